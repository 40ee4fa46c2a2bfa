"""The files of a dossier: checked, fingerprinted, replaced until submission."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.antivirus import antivirus_enabled
from core.errors import ApplicationError
from core.journal import journal_record
from core.translation import texts
from core.uploads import MB, check_upload

from ..choices import ScanStatus
from ..models import Dossier, DossierDocument, DossierStatus
from .dossiers import _lock, ensure_editable

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from core.uploads import CheckedFile

    from ..models import RequiredDocument


def _check_dossier_total(
    dossier: Dossier,
    new_size: int,
    replaced: DossierDocument | None,
    documents: Iterable[DossierDocument],
) -> None:
    # A quarantined file no longer takes room in the dossier.
    kept = [document for document in documents if document.scan_status != ScanStatus.INFECTED]
    current = sum(document.size for document in kept)
    freed = replaced.size if replaced and replaced.scan_status != ScanStatus.INFECTED else 0
    limit = dossier.call.max_dossier_size_mb
    if current - freed + new_size > limit * MB:
        raise ApplicationError(
            _("Le dossier dépasserait sa taille maximum de %(size)s Mo.") % {"size": limit},
            field="file",
        )


def document_upload(
    *, actor: User, dossier: Dossier, requirement: RequiredDocument, uploaded: UploadedFile
) -> DossierDocument:
    """Attach a file to one required document, replacing the previous one if any.

    The file is checked and written before the transaction: the dossier's row is locked only
    while its rows are written, never while a file is read or hashed."""

    def ensure_allowed(dossier: Dossier) -> None:
        ensure_editable(actor, dossier)
        if requirement.call_id != dossier.call_id:
            raise ApplicationError(_("Cette pièce n'est pas demandée par cet appel."))

    refuse_early(ensure_allowed, dossier)
    return document_store(
        actor=actor,
        dossier=dossier,
        requirement=requirement,
        uploaded=uploaded,
        ensure_allowed=ensure_allowed,
    )


def refuse_early(ensure_allowed: Callable[[Dossier], None], dossier: Dossier) -> None:
    """Refuse before any work (a closed call, a stranger) on the caller's copy of the dossier;
    it may be older than the committed row, which then has the last word. What is allowed
    here is checked again under the lock."""
    try:
        ensure_allowed(dossier)
    except ApplicationError:
        ensure_allowed(Dossier.objects.select_related("call", "cluster").get(pk=dossier.pk))


def document_store(
    *,
    actor: User,
    dossier: Dossier,
    requirement: RequiredDocument,
    uploaded: UploadedFile,
    ensure_allowed: Callable[[Dossier], None],
) -> DossierDocument:
    """Check the file, write it, then record it for the requirement under the dossier's row
    lock, once `ensure_allowed(locked dossier)` has said again that this person may add it now.

    Shared by the draft's uploads and the answers to a request for documents. A file written
    for a record that is then refused, or whose transaction fails, is removed."""
    checked = check_upload(
        uploaded, allowed_types=requirement.allowed_types, max_size_mb=requirement.max_size_mb
    )
    field = DossierDocument._meta.get_field("file")
    name = field.generate_filename(DossierDocument(dossier_id=dossier.pk), checked.name)
    stored = field.storage.save(name, uploaded, max_length=field.max_length)
    try:
        with transaction.atomic():
            dossier = _lock(dossier)
            ensure_allowed(dossier)
            return _document_record(
                actor=actor, dossier=dossier, requirement=requirement, checked=checked, name=stored
            )
    except BaseException:
        field.storage.delete(stored)
        raise


def _document_record(
    *, actor: User, dossier: Dossier, requirement: RequiredDocument, checked: CheckedFile, name: str
) -> DossierDocument:
    """Record the file already stored under `name`; the caller holds the dossier's row lock."""
    documents = list(DossierDocument.objects.filter(dossier=dossier))
    previous = next((d for d in documents if d.requirement_id == requirement.pk), None)
    _check_dossier_total(dossier, checked.size, previous, documents)
    document = previous or DossierDocument(dossier=dossier, requirement=requirement)
    old_file = previous.file.name if previous else None
    old_name, old_sha256 = (previous.original_name, previous.sha256) if previous else ("", "")
    document.original_name = checked.name
    document.size = checked.size
    document.sha256 = checked.sha256
    document.content_type = checked.content_type
    document.uploaded_by = actor
    document.uploaded_at = timezone.now()
    _mark_for_scanning(document)
    document.file = name
    document.save()
    if document.scan_status == ScanStatus.PENDING:
        _scan_later(document)
    _touch(dossier)
    if old_file and dossier.status == DossierStatus.DRAFT:
        storage = document.file.storage
        # A draft's replaced file goes once the new one is safely recorded.
        transaction.on_commit(lambda: storage.delete(old_file))
    elif old_file:
        # After submission the receipt vouches for the first file: it is kept, and the
        # journal says which file replaced which.
        journal_record(
            target=dossier,
            actor=actor,
            action="dossier.document_replaced",
            message=texts(requirement, "label")["fr"],
            data={
                "messages": texts(requirement, "label"),
                "replaced": {"name": old_name, "sha256": old_sha256, "storage": old_file},
                "by": {"name": document.original_name, "sha256": document.sha256},
            },
        )
    return document


def _touch(dossier: Dossier) -> None:
    """The dossier was changed through one of its files: its time of change moves on. The
    file's own history row says what changed; a whole copy of the dossier in its history for
    a new time (3 ms of each upload) would say nothing more."""
    dossier.updated_at = timezone.now()
    Dossier.objects.filter(pk=dossier.pk).update(updated_at=dossier.updated_at)


def _mark_for_scanning(document: DossierDocument) -> None:
    """With the antivirus on, a new file waits for its verdict; with it off, it counts at once."""
    scanning = antivirus_enabled()
    document.scan_status = ScanStatus.PENDING if scanning else ScanStatus.CLEAN
    document.scanned_at = None if scanning else timezone.now()
    document.scan_signature = ""
    document.quarantine_name = ""


def _scan_later(document: DossierDocument) -> None:
    from ..tasks import document_scan

    document_id, file_name = document.pk, document.file.name
    transaction.on_commit(lambda: document_scan.delay(document_id, file_name))


@transaction.atomic
def document_delete(*, actor: User, document: DossierDocument) -> None:
    dossier = _lock(document.dossier)
    ensure_editable(actor, dossier)
    if document.scan_status == ScanStatus.INFECTED:
        # Kept as the trace of what was caught; a new file for the same piece replaces it.
        raise ApplicationError(
            _(
                "Ce fichier a été mis en quarantaine par l'antivirus et reste signalé aux "
                "administrateurs : déposez un autre fichier pour le remplacer."
            )
        )
    name, storage = document.file.name, document.file.storage
    document.delete()
    _touch(dossier)
    transaction.on_commit(lambda: storage.delete(name))
