"""The antivirus verdict on a dossier file: clean, it counts; infected, it goes to quarantine
and the cluster and the administrators are told."""

from __future__ import annotations

from django.core.files.storage import storages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.selectors import active_administrators
from core.antivirus import AntivirusUnavailable, scan_stream
from core.journal import journal_record
from core.mail import mail_queue
from core.translation import texts
from core.uploads import random_name

from ..choices import DocumentPart, ScanStatus
from ..models import Dossier, DossierDocument
from ..selectors import SCAN_WAITING, cluster_editors


def _waiting(document: DossierDocument | None, file_name: str) -> DossierDocument | None:
    """The document if it still holds this file and waits for a verdict; None otherwise
    (replaced, deleted or already judged: the task has nothing left to do)."""
    if (
        document is None
        or document.file.name != file_name
        or document.scan_status not in SCAN_WAITING
    ):
        return None
    return document


def _locked(document_id: int, file_name: str) -> DossierDocument | None:
    """The same check under the dossier's row lock, taken first as uploads take it."""
    dossier_id = DossierDocument.objects.filter(pk=document_id).values("dossier_id")
    Dossier.objects.select_for_update(no_key=True).filter(pk__in=dossier_id).first()
    document = DossierDocument.objects.select_for_update().filter(pk=document_id).first()
    return _waiting(document, file_name)


def document_scan(*, document_id: int, file_name: str) -> DossierDocument | None:
    """Scan one uploaded file with clamd and record the verdict; returns the document, or None
    when there was nothing to scan. AntivirusUnavailable is raised for the task to retry."""
    document = _waiting(DossierDocument.objects.filter(pk=document_id).first(), file_name)
    if document is None:
        return None
    try:
        # Streamed without any lock: a large file may take a while, uploads must not wait.
        with document.file.open("rb") as handle:
            result = scan_stream(handle)
    except AntivirusUnavailable:
        DossierDocument.objects.filter(
            pk=document_id, scan_status=ScanStatus.PENDING, file=file_name
        ).update(scan_status=ScanStatus.ERROR)
        raise
    if result.infected:
        return _quarantine(document_id, file_name, result.signature)
    return _record_clean(document_id, file_name)


@transaction.atomic
def _record_clean(document_id: int, file_name: str) -> DossierDocument | None:
    document = _locked(document_id, file_name)
    if document is None:
        return None
    document.scan_status = ScanStatus.CLEAN
    document.scanned_at = timezone.now()
    document.save(update_fields=["scan_status", "scanned_at"])
    return document


def _move_to_quarantine(document: DossierDocument) -> str:
    quarantine = storages["quarantine"]
    with document.file.open("rb") as handle:
        name = f"dossiers/{document.dossier_id}/{random_name(document.original_name)}"
        return quarantine.save(name, handle)


@transaction.atomic
def _quarantine(document_id: int, file_name: str, signature: str) -> DossierDocument | None:
    """Move the file where no view serves it, keep the row as the trace, and tell people."""
    document = _locked(document_id, file_name)
    if document is None:
        return None
    document.quarantine_name = _move_to_quarantine(document)
    storage = document.file.storage
    document.file = ""
    document.scan_status = ScanStatus.INFECTED
    document.scan_signature = signature[:200]
    document.scanned_at = timezone.now()
    document.save(
        update_fields=["file", "scan_status", "scan_signature", "scanned_at", "quarantine_name"]
    )
    transaction.on_commit(lambda: storage.delete(file_name))
    journal_record(
        target=document.dossier,
        actor=None,
        action="dossier.document_infected",
        message=texts(document.requirement, "label")["fr"],
        data={
            "messages": texts(document.requirement, "label"),
            "name": document.original_name,
            "sha256": document.sha256,
            "signature": document.scan_signature,
            "quarantine": document.quarantine_name,
        },
    )
    _tell_people(document, file_name)
    return document


def _tell_people(document: DossierDocument, file_name: str) -> None:
    dossier = document.dossier
    slug = (
        "pieces-administratives"
        if document.requirement.part == DocumentPart.ADMINISTRATIVE
        else "pieces-techniques"
    )
    cluster_path = reverse("applications:dossier_section", args=[dossier.pk, slug])
    people = {*cluster_editors(dossier.cluster), document.uploaded_by}
    for person in sorted(people, key=lambda person: person.pk):
        _mail(document, person, cluster_path, file_name, for_staff=False)
    for person in active_administrators().order_by("pk"):
        path = reverse("applications:dossier_detail", args=[dossier.pk])
        _mail(document, person, path, file_name, for_staff=True)


def _mail(
    document: DossierDocument, person: User, path: str, file_name: str, *, for_staff: bool
) -> None:
    mail_queue(
        template="document_infected",
        to=person.email,
        language=person.preferred_language,
        context={
            "user": person,
            "dossier": document.dossier,
            "document": document,
            "path": path,
            "for_staff": for_staff,
        },
        # One e-mail per person and per infected upload, however often the task runs.
        key=f"document-infected:{document.pk}:{file_name}:{person.pk}",
    )
