"""Checks every uploaded file before it joins a dossier: name, size, and real type."""

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import magic
from django.utils.translation import gettext as _

from core.errors import ApplicationError

from .choices import FileType

MB = 1024 * 1024
# What the content must be for each accepted type, as libmagic names it.
MIME_TYPES = {
    FileType.PDF: {"application/pdf"},
    FileType.DOCX: {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/zip",
    },
    FileType.XLSX: {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/zip",
    },
    FileType.ODT: {"application/vnd.oasis.opendocument.text", "application/zip"},
    FileType.ODS: {"application/vnd.oasis.opendocument.spreadsheet", "application/zip"},
    FileType.JPEG: {"image/jpeg"},
    FileType.PNG: {"image/png"},
}
EXTENSIONS = {
    FileType.PDF: {".pdf"},
    FileType.DOCX: {".docx"},
    FileType.XLSX: {".xlsx"},
    FileType.ODT: {".odt"},
    FileType.ODS: {".ods"},
    FileType.JPEG: {".jpg", ".jpeg"},
    FileType.PNG: {".png"},
}
# The part of an office archive that proves what it is.
ARCHIVE_MARKERS = {
    FileType.DOCX: "word/document.xml",
    FileType.XLSX: "xl/workbook.xml",
    FileType.ODT: "content.xml",
    FileType.ODS: "content.xml",
}
MAX_UNCOMPRESSED = 200 * MB
MAX_RATIO = 100


@dataclass
class CheckedFile:
    name: str
    size: int
    sha256: str
    content_type: str


def clean_name(name):
    """A safe display name: no folders, no control characters, a sane length."""
    name = unicodedata.normalize("NFC", PurePosixPath(name.replace("\\", "/")).name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name:
        raise ApplicationError(_("Le nom du fichier n'est pas valide."), field="file")
    stem, suffix = PurePosixPath(name).stem.strip(" ."), PurePosixPath(name).suffix.lower()
    if not stem:
        raise ApplicationError(_("Le nom du fichier n'est pas valide."), field="file")
    return f"{stem[:150]}{suffix[:10]}"


def _sha256(uploaded):
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def _sniff(uploaded):
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    return magic.from_buffer(head, mime=True), head


def _check_archive(uploaded, file_type):
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            total = sum(info.file_size for info in archive.infolist())
            packed = sum(info.compress_size for info in archive.infolist()) or 1
    except (zipfile.BadZipFile, OSError, ValueError):
        return _("Le fichier est endommagé ou n'est pas un document bureautique valide.")
    finally:
        uploaded.seek(0)
    if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
        return _("Le fichier est anormalement compressé et a été refusé par sécurité.")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return _("Les documents contenant des macros ne sont pas acceptés.")
    if ARCHIVE_MARKERS[file_type] not in names:
        return _("Le contenu du fichier ne correspond pas à son extension.")
    return None


def _check_pdf(uploaded):
    uploaded.seek(0)
    content = uploaded.read()
    uploaded.seek(0)
    if b"/Encrypt" in content:
        return _("Les PDF protégés par un mot de passe ne sont pas acceptés.")
    return None


def _matching_type(extension, allowed_types):
    for code in allowed_types:
        if extension in EXTENSIONS.get(code, ()):
            return code
    return None


def check_upload(uploaded, *, allowed_types, max_size_mb):
    """Return what to store of a file, or raise ApplicationError with a message for the user."""
    name = clean_name(uploaded.name or "")
    if uploaded.size == 0:
        raise ApplicationError(_("Le fichier est vide."), field="file")
    if uploaded.size > max_size_mb * MB:
        raise ApplicationError(
            _("Le fichier dépasse la taille maximum de %(size)s Mo.") % {"size": max_size_mb},
            field="file",
        )
    extension = PurePosixPath(name).suffix.lower()
    file_type = _matching_type(extension, allowed_types)
    accepted = ", ".join(str(dict(FileType.choices)[code]) for code in allowed_types)
    if file_type is None:
        raise ApplicationError(
            _("Ce type de fichier n'est pas accepté. Types acceptés : %(types)s.")
            % {"types": accepted},
            field="file",
        )
    mime, _head = _sniff(uploaded)
    if mime not in MIME_TYPES[file_type]:
        raise ApplicationError(
            _("Le contenu du fichier ne correspond pas à son extension."), field="file"
        )
    problem = None
    if file_type in ARCHIVE_MARKERS:
        problem = _check_archive(uploaded, file_type)
    elif file_type == FileType.PDF:
        problem = _check_pdf(uploaded)
    if problem:
        raise ApplicationError(problem, field="file")
    return CheckedFile(name=name, size=uploaded.size, sha256=_sha256(uploaded), content_type=mime)
