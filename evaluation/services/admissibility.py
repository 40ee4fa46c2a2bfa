"""Admissibility: once the call is closed, staff check each deposited dossier against the
call's rules, then declare it admissible, inadmissible, or ask the cluster for documents."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import DocumentRequest, DossierStatus
from applications.selectors import cluster_editors
from applications.services.submission import dossier_transition
from core.errors import ApplicationError
from core.formatting import moment_text
from core.mail import mail_queue

from ..selectors.assignments import request_pending

if TYPE_CHECKING:
    from accounts.models import User
    from applications.models import Call, Dossier, RequiredDocument

# Dossiers waiting for the check, and those the check has already moved on.
WAITING = (DossierStatus.SUBMITTED, DossierStatus.DOCUMENTS_REQUESTED)
DECIDED = (
    DossierStatus.ADMISSIBLE,
    DossierStatus.INADMISSIBLE,
    DossierStatus.UNDER_EVALUATION,
    DossierStatus.SELECTED,
    DossierStatus.WAITING_LIST,
    DossierStatus.REJECTED,
)


def _require_manager(actor: User) -> None:
    if not actor.has_perm("evaluation.manage"):
        raise ApplicationError(
            _("Seul un administrateur du programme peut vérifier la recevabilité."),
            code="forbidden",
        )


def ensure_call_closed(call: Call, now: datetime | None = None) -> None:
    """Admissibility is checked once the call is closed, never while directors may still act."""
    if not call.is_closed(now):
        raise ApplicationError(
            _(
                "La recevabilité se vérifie après la clôture de l'appel, "
                "le %(date)s (heure du Maroc)."
            )
            % {"date": moment_text(call.closes_at)},
            code="not_closed",
        )


@transaction.atomic
def admissibility_declare(
    *,
    actor: User,
    dossier: Dossier,
    admissible: bool,
    reason: str = "",
    now: datetime | None = None,
) -> Dossier:
    """Declare a dossier admissible or inadmissible; an inadmissible one needs a reason."""
    _require_manager(actor)
    ensure_call_closed(dossier.call, now)
    reason = (reason or "").strip()
    if not admissible and not reason:
        raise ApplicationError(
            _("Indiquez le motif de l'irrecevabilité : il sera communiqué au cluster."),
            field="reason",
        )
    if admissible and request_pending(dossier, now):
        raise ApplicationError(
            _(
                "Une demande de compléments est en cours : attendez la réponse du cluster "
                "ou la date limite de réponse."
            )
        )
    action = "declare_admissible" if admissible else "declare_inadmissible"
    return dossier_transition(actor=actor, dossier=dossier, action=action, message=reason)


@transaction.atomic
def documents_request(
    *,
    actor: User,
    dossier: Dossier,
    requirements: Iterable[RequiredDocument],
    message: str,
    reply_by: date,
    now: datetime | None = None,
) -> DocumentRequest:
    """Ask the cluster for some of the call's documents by a date, and tell its editors."""
    now = now or timezone.now()
    _require_manager(actor)
    ensure_call_closed(dossier.call, now)
    requirements = list(requirements)
    message = (message or "").strip()
    if not requirements:
        raise ApplicationError(_("Choisissez au moins une pièce à demander."), field="requirements")
    if any(requirement.call_id != dossier.call_id for requirement in requirements):
        raise ApplicationError(
            _("Seules les pièces de cet appel peuvent être demandées."), field="requirements"
        )
    if not message:
        raise ApplicationError(_("Écrivez un message au cluster."), field="message")
    if reply_by <= now:
        raise ApplicationError(
            _("La date limite de réponse doit être dans le futur."), field="reply_by"
        )
    dossier = dossier_transition(
        actor=actor,
        dossier=dossier,
        action="request_documents",
        message=message,
        data={
            "requirements": [requirement.label for requirement in requirements],
            "reply_by": reply_by.isoformat(),
        },
    )
    request = DocumentRequest.objects.create(
        dossier=dossier, message=message, reply_by=reply_by, created_by=actor
    )
    request.requirements.set(requirements)
    _notify_request(dossier, request, requirements)
    return request


def _notify_request(
    dossier: Dossier, request: DocumentRequest, requirements: list[RequiredDocument]
) -> None:
    path = reverse("applications:request_detail", kwargs={"pk": dossier.pk})
    for person in cluster_editors(dossier.cluster):
        mail_queue(
            template="documents_requested",
            to=person.email,
            language=person.preferred_language,
            context={
                "user": person,
                "dossier": dossier,
                "document_request": request,
                # The documents themselves: each label is read in the recipient's language
                # when the e-mail is rendered, not in the administrator's.
                "items": list(requirements),
                "path": path,
            },
            key=f"documents-requested:{request.pk}:{person.pk}",
        )
