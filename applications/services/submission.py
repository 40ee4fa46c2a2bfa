"""Submitting, withdrawing and reopening a dossier: the state machine, written once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.formatting import isolated_text
from core.states import StateMachine
from core.translation import each_language
from core.unavailable import enqueue_on_commit

from ..choices import ScanStatus
from ..models import Dossier, DossierStatus, Receipt
from ..sections import missing_items
from ..selectors import DOSSIER_CHECK_PREFETCHES
from .dossiers import _lock, ensure_call_open

if TYPE_CHECKING:
    from accounts.models import User

    from ..models import Dossier, DossierDocument

S = DossierStatus
# The whole life of a dossier, in one table. After the deadline the ministry's examination
# (the evaluation app) moves it on through `dossier_transition`.
DOSSIER_STATES = StateMachine(
    "dossier",
    {
        (S.DRAFT, "submit"): S.SUBMITTED,
        (S.SUBMITTED, "withdraw"): S.WITHDRAWN,
        (S.WITHDRAWN, "reopen"): S.DRAFT,
        (S.SUBMITTED, "request_documents"): S.DOCUMENTS_REQUESTED,
        (S.DOCUMENTS_REQUESTED, "documents_sent"): S.SUBMITTED,
        (S.SUBMITTED, "declare_admissible"): S.ADMISSIBLE,
        (S.SUBMITTED, "declare_inadmissible"): S.INADMISSIBLE,
        (S.DOCUMENTS_REQUESTED, "declare_inadmissible"): S.INADMISSIBLE,
        # The reply date passed with the files given but the dossier not sent back.
        (S.DOCUMENTS_REQUESTED, "declare_admissible"): S.ADMISSIBLE,
        (S.ADMISSIBLE, "start_evaluation"): S.UNDER_EVALUATION,
        # An admissible dossier no evaluator could take may still be set aside.
        (S.ADMISSIBLE, "waitlist"): S.WAITING_LIST,
        (S.ADMISSIBLE, "reject"): S.REJECTED,
        **{
            (state, "select"): S.SELECTED
            for state in (S.UNDER_EVALUATION, S.WAITING_LIST, S.REJECTED)
        },
        **{
            (state, "waitlist"): S.WAITING_LIST
            for state in (S.UNDER_EVALUATION, S.SELECTED, S.REJECTED)
        },
        **{
            (state, "reject"): S.REJECTED
            for state in (S.UNDER_EVALUATION, S.SELECTED, S.WAITING_LIST)
        },
    },
)


def dossier_transition(
    *,
    actor: User,
    dossier: Dossier,
    action: str,
    fields: Iterable[str] = (),
    locked: bool = False,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> Dossier:
    """Move a dossier along the table above and journal it. The dossier's row is locked here,
    in a transaction of its own, unless the caller already holds it in its transaction
    (`locked`), having set the other `fields` saved with the move.

    Callers check who may act; this refuses any move the table does not allow."""
    if locked:
        DOSSIER_STATES.move(dossier, action, actor=actor, fields=fields, message=message, data=data)
        return dossier
    with transaction.atomic():
        return dossier_transition(
            actor=actor,
            dossier=_lock(dossier),
            action=action,
            fields=fields,
            locked=True,
            message=message,
            data=data,
        )


@transaction.atomic
def dossier_submit(
    *, actor: User, dossier: Dossier, declaration: bool, now: datetime | None = None
) -> Dossier:
    """Submit before the deadline; a late or incomplete dossier stays a draft, untouched.

    A dossier its editors find already submitted once they hold its lock is returned as it
    is: a double click, whose other request submitted it first, has nothing left to do."""
    now = now or timezone.now()
    dossier = _lock(dossier)
    if dossier.status == DossierStatus.SUBMITTED and actor.has_perm(
        "applications.act_on_dossier", dossier
    ):
        return dossier
    if not actor.has_perm("applications.change_dossier", dossier):
        raise _submit_refusal(actor, dossier)
    ensure_call_open(dossier.call, now)
    if not declaration:
        raise ApplicationError(
            _("Cochez la déclaration sur l'honneur pour déposer le dossier."),
            field="declaration",
        )
    # What the checks, the participants and the receipt read, onto the locked row.
    prefetch_related_objects([dossier], *DOSSIER_CHECK_PREFETCHES)
    ensure_files_scanned(dossier)
    missing = missing_items(dossier)
    if missing:
        raise ApplicationError(
            _("Le dossier est incomplet : %(count)s élément(s) manquant(s).")
            % {"count": len(missing)},
            code="incomplete",
        )
    dossier.submitted_at = now
    dossier.participants_snapshot = [
        {
            "name": member.name,
            "member_type": member.member_type,
            "city": member.city,
            "joined_year": member.joined_year,
        }
        for member in dossier.participating_members.all()
    ]
    dossier_transition(
        actor=actor,
        dossier=dossier,
        action="submit",
        fields=["submitted_at", "participants_snapshot"],
        locked=True,
    )
    receipt = _receipt_create(dossier=dossier, submitted_at=now, actor=actor)
    from ..tasks import receipt_render

    enqueue_on_commit(receipt_render, receipt.pk)
    return dossier


def _submit_refusal(actor: User, dossier: Dossier) -> ApplicationError:
    """Why this dossier cannot be submitted (again): said, never just refused."""
    if not actor.has_perm("applications.act_on_dossier", dossier):
        message = _("Seuls les éditeurs du cluster peuvent déposer ce dossier.")
    elif dossier.status == DossierStatus.WITHDRAWN:
        message = _("Ce dossier a été retiré : rouvrez-le pour le déposer à nouveau.")
    else:
        message = _(
            "Ce dossier a déjà été déposé et le ministère l'examine : "
            "il ne peut pas être déposé une seconde fois."
        )
    return ApplicationError(message, code="forbidden")


def _withdraw_refusal(dossier: Dossier) -> ApplicationError:
    if dossier.status == DossierStatus.DRAFT:
        message = _("Ce dossier n'a pas été déposé : il n'y a rien à retirer.")
    elif dossier.status == DossierStatus.WITHDRAWN:
        message = _("Ce dossier est déjà retiré.")
    else:
        message = _("Le ministère examine déjà ce dossier : il ne peut plus être retiré.")
    return ApplicationError(message, code="forbidden")


def ensure_files_scanned(
    dossier: Dossier, documents: Iterable[DossierDocument] | None = None
) -> None:
    """Refuse while a file waits for the antivirus, or a required one was found infected."""
    documents = dossier.documents.all() if documents is None else documents
    for document in documents:
        if document.scan_status in (ScanStatus.PENDING, ScanStatus.ERROR):
            raise ApplicationError(
                _(
                    "Le fichier « %(name)s » (%(piece)s) est en cours d'analyse antivirus : "
                    "réessayez dans quelques minutes."
                )
                % {
                    "name": isolated_text(document.original_name),
                    "piece": isolated_text(document.requirement.label),
                },
                code="scan_pending",
            )
        if document.scan_status == ScanStatus.INFECTED and document.requirement.mandatory:
            raise ApplicationError(
                _(
                    "Le fichier « %(name)s » (%(piece)s) a été refusé par l'antivirus : "
                    "déposez un fichier sain pour cette pièce."
                )
                % {
                    "name": isolated_text(document.original_name),
                    "piece": isolated_text(document.requirement.label),
                },
                code="infected",
            )


def _receipt_line(document: DossierDocument) -> dict[str, Any]:
    """One file of the receipt, exactly as submitted; its labels kept in every language, for
    the receipt is read in its recipient's language whatever the page it was submitted from."""
    requirement = document.requirement
    return {
        "requirement": requirement.pk,
        "parts": each_language(requirement.get_part_display),
        "labels": each_language(lambda: requirement.label),
        "name": document.original_name,
        "size": document.size,
        "sha256": document.sha256,
    }


def _receipt_create(*, dossier: Dossier, submitted_at: datetime, actor: User) -> Receipt:
    number = f"{dossier.reference}-AR{dossier.receipts.count() + 1:02d}"
    files = [
        _receipt_line(document)
        for document in dossier.documents.all()
        if document.scan_status == ScanStatus.CLEAN
    ]
    return Receipt.objects.create(
        dossier=dossier,
        number=number,
        submitted_at=submitted_at,
        files=files,
        language=actor.preferred_language,
        submitted_by=actor,
    )


def ensure_withdrawable(actor: User, dossier: Dossier, now: datetime | None = None) -> None:
    """Refuse, saying why, a withdrawal the dossier's state or the deadline forbids."""
    if not actor.has_perm("applications.act_on_dossier", dossier):
        raise ApplicationError(
            _("Seuls les éditeurs du cluster peuvent retirer ce dossier."), code="forbidden"
        )
    if not actor.has_perm("applications.withdraw_dossier", dossier):
        raise _withdraw_refusal(dossier)
    ensure_call_open(dossier.call, now, action="withdraw")


@transaction.atomic
def dossier_withdraw(
    *, actor: User, dossier: Dossier, reason: str, now: datetime | None = None
) -> Dossier:
    dossier = _lock(dossier)
    ensure_withdrawable(actor, dossier, now)
    if not reason.strip():
        raise ApplicationError(_("Indiquez le motif du retrait."), field="reason")
    dossier_transition(
        actor=actor, dossier=dossier, action="withdraw", locked=True, message=reason.strip()
    )
    return dossier


@transaction.atomic
def dossier_reopen(*, actor: User, dossier: Dossier, now: datetime | None = None) -> Dossier:
    dossier = _lock(dossier)
    if not actor.has_perm("applications.reopen_dossier", dossier):
        raise ApplicationError(
            _("Seul un dossier retiré, par les éditeurs de son cluster, peut être rouvert."),
            code="forbidden",
        )
    ensure_call_open(dossier.call, now, action="reopen")
    dossier.submitted_at = None
    dossier_transition(
        actor=actor, dossier=dossier, action="reopen", fields=["submitted_at"], locked=True
    )
    return dossier
