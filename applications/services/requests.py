"""The director's answer to a request for documents: only the items asked, only until the
reply-by date, then the dossier goes back to the ministry."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.formatting import moment_text

from ..models import DocumentRequest, DossierStatus
from ..selectors import documents_given_since, latest_request, provided_since
from .documents import document_store, refuse_early
from .dossiers import _lock
from .submission import dossier_transition, ensure_files_scanned

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User

    from ..models import Dossier, DossierDocument, RequiredDocument


def _open_request(actor: User, dossier: Dossier, now: datetime) -> DocumentRequest:
    """The request the actor may answer now, or an ApplicationError saying why not."""
    if not actor.has_perm("applications.change_cluster", dossier.cluster):
        raise ApplicationError(_("Vous ne pouvez pas compléter ce dossier."), code="forbidden")
    request = latest_request(dossier)
    if dossier.status != DossierStatus.DOCUMENTS_REQUESTED or request is None:
        raise ApplicationError(
            _("Le ministère n'attend aucun complément pour ce dossier."), code="no_request"
        )
    if not request.is_open(now):
        raise ApplicationError(
            _(
                "Le délai de réponse est passé depuis le %(date)s (heure du Maroc) : "
                "les pièces ne peuvent plus être déposées."
            )
            % {"date": moment_text(request.reply_by)},
            code="deadline",
        )
    return request


def request_document_upload(
    *,
    actor: User,
    dossier: Dossier,
    requirement: RequiredDocument,
    uploaded: UploadedFile,
    now: datetime | None = None,
) -> DossierDocument:
    """Add or replace one of the requested documents, before the reply-by date.

    Checked and written before the transaction, as the draft's uploads are (documents.py)."""
    now = now or timezone.now()

    def ensure_allowed(dossier: Dossier) -> None:
        request = _open_request(actor, dossier, now)
        if requirement not in request.requirements.all():
            raise ApplicationError(
                _("Le ministère n'a pas demandé cette pièce : elle ne peut pas être modifiée."),
                code="not_requested",
            )

    refuse_early(ensure_allowed, dossier)
    return document_store(
        actor=actor,
        dossier=dossier,
        requirement=requirement,
        uploaded=uploaded,
        ensure_allowed=ensure_allowed,
    )


@transaction.atomic
def request_answer(*, actor: User, dossier: Dossier, now: datetime | None = None) -> Dossier:
    """Send the dossier back to the ministry with the documents given since the request."""
    now = now or timezone.now()
    dossier = _lock(dossier)
    request = _open_request(actor, dossier, now)
    ensure_files_scanned(dossier, documents_given_since(request, dossier))
    provided = provided_since(request, dossier)
    if not provided:
        raise ApplicationError(
            _("Déposez au moins une des pièces demandées avant de renvoyer le dossier."),
            code="nothing_provided",
        )
    request.answered_at = now
    request.save(update_fields=["answered_at"])
    requirements = list(request.requirements.all())
    message = _("Pièces transmises : %(given)s.") % {
        "given": ", ".join(r.label for r in requirements if r.pk in provided)
    }
    missing = [r.label for r in requirements if r.pk not in provided]
    if missing:
        message += " " + _("Pièces non transmises : %(missing)s.") % {"missing": ", ".join(missing)}
    files = [
        {"label": r.label, "name": provided[r.pk].original_name, "sha256": provided[r.pk].sha256}
        for r in requirements
        if r.pk in provided
    ]
    return dossier_transition(
        actor=actor,
        dossier=dossier,
        action="documents_sent",
        message=message,
        data={"request": request.pk, "files": files},
    )
