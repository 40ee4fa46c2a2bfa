"""The life of a contrat-programme: its PDF versions, signature by the cluster, countersignature
by the ministry, closing and termination. Every step is journaled and e-mailed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.selectors import cluster_editors
from core.antivirus import journal_infected_uploads, scan_upload_or_refuse
from core.caching import PUBLIC, renew
from core.errors import ApplicationError
from core.formatting import joined_text
from core.journal import journal_for, journal_record
from core.mail import mail_queue
from core.pdf import render_pdf
from core.states import StateMachine
from core.unavailable import enqueue_on_commit
from core.uploads import FileType, check_upload

from ..dashboard.sums import PUBLIC as IN_FORCE_OR_CLOSED
from ..models import (
    Contract,
    ContractStatus,
    ContractVersion,
    ReportStatus,
    TrancheStatus,
)
from ..selectors import contract_missing, latest_version
from .figures import call_figures_refresh
from .guards import ensure_draft, require_manager
from .terms import terms_ensure
from .tranches import tranche_transition, tranches_release

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from core.uploads import CheckedFile

    from ..models import Tranche

S = ContractStatus
CONTRACT_STATES = StateMachine(
    "contract",
    {
        (S.DRAFT, "send"): S.SENT,
        (S.SENT, "recall"): S.DRAFT,
        (S.SENT, "sign"): S.SIGNED,
        (S.SIGNED, "activate"): S.ACTIVE,
        (S.ACTIVE, "close"): S.CLOSED,
        (S.DRAFT, "terminate"): S.TERMINATED,
        (S.SENT, "terminate"): S.TERMINATED,
        (S.SIGNED, "terminate"): S.TERMINATED,
        (S.ACTIVE, "terminate"): S.TERMINATED,
    },
)
SCAN_TYPES = [FileType.PDF]
SCAN_MAX_MB = 20
# The journal action of a contract file refused because clamd found a virus in it.
INFECTED = "contract.file_infected"


def _lock(contract: Contract) -> Contract:
    # Only the contract's row: its call and cluster are read as committed. The call's public
    # figures lock their own row (`call_figures_refresh`); the envelope is locked where a
    # contract is generated.
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("cluster__owner", "call")
        .get(pk=contract.pk)
    )


def contract_transition(
    *,
    actor: User,
    contract: Contract,
    action: str,
    fields: Iterable[str] = (),
    message: str = "",
    data: dict[str, Any] | None = None,
    guard: Callable[[], object] | None = None,
) -> Contract:
    """Move a locked contract along the table above, once `guard` (the step's own condition)
    passes, saving the other `fields` the caller set, and journal it; callers check who acts.
    Every contract step relies on this check of the table alone."""
    from_state = CONTRACT_STATES.move(
        contract, action, actor=actor, fields=fields, message=message, data=data, guard=guard
    )
    # The public summaries count the contracts in force and closed: their call's figures are
    # counted again when one enters or leaves those states, and its pages renewed.
    if {from_state, contract.status} & set(IN_FORCE_OR_CLOSED):
        call_figures_refresh(call=contract.call)
    renew(PUBLIC)
    return contract


def notify_cluster(contract: Contract, template: str, key: str, **context: Any) -> None:
    """E-mail the cluster's editors, each once for `key`, in their language."""
    path = reverse("contracts:detail", args=[contract.pk])
    for person in cluster_editors(contract.cluster):
        mail_queue(
            template=template,
            to=person.email,
            language=person.preferred_language,
            context={"user": person, "contract": contract, "path": path, **context},
            key=f"{key}:{person.pk}",
        )


def notify_ministry(contract: Contract, template: str, key: str, **context: Any) -> None:
    """E-mail the administrator who generated the contract."""
    person = contract.created_by
    mail_queue(
        template=template,
        to=person.email,
        language=person.preferred_language,
        context={
            "user": person,
            "contract": contract,
            "path": reverse("contracts:detail", args=[contract.pk]),
            **context,
        },
        key=f"{key}:{person.pk}",
    )


@transaction.atomic
def version_request(*, actor: User, contract: Contract, language: str = "fr") -> ContractVersion:
    """Add a version of the contract's PDF, rendered in a task; older versions stay."""
    from ..tasks import contract_version_render

    require_manager(actor)
    contract = _lock(contract)
    ensure_draft(contract)
    terms_ensure(call=contract.call, language=language)
    number = (contract.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = ContractVersion.objects.create(
        contract=contract, number=number, language=language, requested_by=actor
    )
    journal_record(
        target=contract,
        actor=actor,
        action="contract.version",
        data={"number": number, "language": language},
    )
    enqueue_on_commit(contract_version_render, version.pk)
    return version


def contract_pdf_context(contract: Contract, language: str) -> dict[str, Any]:
    """What the contract's PDF shows in `language`: the call's model contract saved in that
    language; the call's title, the parties' titles and the indicators' names are read
    through their model attributes when the template renders under `language`, so each comes
    out in that language, French where its translation is missing. The indicators' names are
    made here, hence under `language` too."""
    from ..selectors import contract_schedule

    with translation.override(language):
        return {
            "contract": contract,
            "call": contract.call,
            "terms": terms_ensure(call=contract.call, language=language),
            **contract_schedule(contract),
        }


def version_pdf_render(*, version_id: int) -> ContractVersion:
    """Render a version in the version's own language (the one the administrator asked for,
    each language being its own version); a retried task replaces its file, never adds
    another version."""
    version = ContractVersion.objects.select_related("contract__call", "contract__cluster").get(
        pk=version_id
    )
    content = render_pdf(
        "pdf/contract.html",
        {**contract_pdf_context(version.contract, version.language), "version": version},
        language=version.language,
    )
    with transaction.atomic():
        locked = ContractVersion.objects.select_for_update().get(pk=version_id)
        old = locked.pdf.name if locked.pdf else ""
        locked.pdf.save(
            f"{version.contract.reference}-v{version.number}.pdf",
            ContentFile(content),
            save=False,
        )
        locked.rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "rendered_at"])
    if old:
        locked.pdf.storage.delete(old)
    return locked


def _ensure_complete(contract: Contract) -> None:
    """The cluster signs what the PDF says: nothing it needs may be left blank."""
    missing = contract_missing(contract)
    if missing:
        raise ApplicationError(
            _("Complétez le contrat avant de l'envoyer pour signature ; il manque : %(list)s.")
            % {"list": joined_text(part.text for part in missing)},
            code="incomplete",
        )


@transaction.atomic
def contract_send(*, actor: User, contract: Contract) -> Contract:
    """Send the draft to the cluster for signature: it then sees and downloads it."""
    require_manager(actor)
    contract = _lock(contract)
    latest = latest_version(contract)
    if latest is None:
        raise ApplicationError(
            _("Le PDF du contrat est en cours de génération : réessayez dans un instant."),
            code="no_pdf",
        )
    if contract.edited_at and latest.requested_at < contract.edited_at:
        raise ApplicationError(
            _(
                "Le contrat a été modifié depuis sa dernière version : générez une nouvelle "
                "version du PDF avant de l'envoyer."
            ),
            code="stale_pdf",
        )
    contract.sent_at = contract.sent_at or timezone.now()
    contract_transition(
        actor=actor,
        contract=contract,
        action="send",
        fields=["sent_at"],
        guard=lambda: _ensure_complete(contract),
    )
    # Each sending is announced, a second one after a recall too.
    sendings = journal_for(contract).filter(action="contract.send").count()
    notify_cluster(contract, "contract_sent", f"contract-sent:{contract.pk}:{sendings}")
    return contract


@transaction.atomic
def contract_recall(*, actor: User, contract: Contract, reason: str) -> Contract:
    """Take a contract sent for signature back to draft, to correct it."""
    require_manager(actor)
    contract = _lock(contract)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Indiquez pourquoi le contrat est repris."), field="reason")
    return contract_transition(actor=actor, contract=contract, action="recall", message=reason)


def _attach_upload(
    actor: User, contract: Contract, field: str, upload: UploadedFile
) -> CheckedFile:
    """Check and scan the upload, then attach it: storage receives it when the transition saves
    the contract, so a refused move stores no file."""
    checked = check_upload(upload, allowed_types=SCAN_TYPES, max_size_mb=SCAN_MAX_MB)
    scan_upload_or_refuse(upload, name=checked.name, target=contract, actor=actor)
    upload.name = checked.name
    setattr(contract, field, upload)
    return checked


@journal_infected_uploads(INFECTED)
@transaction.atomic
def contract_sign(*, actor: User, contract: Contract, scan: UploadedFile) -> Contract:
    """The cluster uploads the contract it signed."""
    contract = _lock(contract)
    if not actor.has_perm("contracts.sign", contract):
        raise ApplicationError(_("Vous ne pouvez pas signer ce contrat."), code="forbidden")
    checked = _attach_upload(actor, contract, "signed_scan", scan)
    contract.signed_at = timezone.now()
    contract_transition(
        actor=actor,
        contract=contract,
        action="sign",
        fields=["signed_scan", "signed_at"],
        data={"file": checked.name, "sha256": checked.sha256},
    )
    notify_ministry(contract, "contract_signed", f"contract-signed:{contract.pk}")
    return contract


@journal_infected_uploads(INFECTED)
@transaction.atomic
def contract_activate(*, actor: User, contract: Contract, final_copy: UploadedFile) -> Contract:
    """The ministry countersigns: the final copy is uploaded and the contract takes effect; the
    tranches due at signature become payable."""
    require_manager(actor)
    contract = _lock(contract)
    checked = _attach_upload(actor, contract, "final_copy", final_copy)
    contract.activated_at = timezone.now()
    contract_transition(
        actor=actor,
        contract=contract,
        action="activate",
        fields=["final_copy", "activated_at"],
        data={"file": checked.name, "sha256": checked.sha256},
    )
    released = tranches_release(actor=actor, contract=contract, event="signature")
    notify_cluster(
        contract, "contract_activated", f"contract-activated:{contract.pk}", tranches=released
    )
    return contract


def _planned(contract: Contract) -> list[Tranche]:
    return list(contract.tranches.select_for_update().filter(status=TrancheStatus.PLANNED))


def _cancel(planned: list[Tranche], contract: Contract, actor: User) -> None:
    for tranche in planned:
        tranche_transition(actor=actor, tranche=tranche, action="cancel", contract=contract)


def _ensure_all_reports_approved(contract: Contract) -> None:
    approved = contract.reports.filter(status=ReportStatus.APPROVED).count()
    if approved < contract.years:
        # Closing cancels the tranches never due: a report still to approve would lose its own.
        raise ApplicationError(
            _(
                "Les rapports de toutes les années doivent être approuvés avant la clôture ; "
                "sinon, résiliez le contrat en indiquant le motif."
            ),
            code="last_report",
        )


@transaction.atomic
def contract_close(*, actor: User, contract: Contract) -> Contract:
    """Close a contract whose last annual report is approved; what was never due is cancelled."""
    require_manager(actor)
    contract = _lock(contract)
    planned = _planned(contract)
    contract.ended_at = timezone.now()
    contract_transition(
        actor=actor,
        contract=contract,
        action="close",
        fields=["ended_at"],
        data={"cancelled_tranches": len(planned)},
        guard=lambda: _ensure_all_reports_approved(contract),
    )
    _cancel(planned, contract, actor)
    notify_cluster(contract, "contract_ended", f"contract-ended:{contract.pk}")
    return contract


@transaction.atomic
def contract_terminate(*, actor: User, contract: Contract, reason: str) -> Contract:
    """End a contract before its term, for a stated reason. Tranches already due stay payable;
    the others are cancelled and no longer count against the envelope."""
    require_manager(actor)
    contract = _lock(contract)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Indiquez le motif de la résiliation."), field="reason")
    planned = _planned(contract)
    contract.termination_reason = reason
    contract.ended_at = timezone.now()
    was_visible = contract.sent_at is not None
    contract_transition(
        actor=actor,
        contract=contract,
        action="terminate",
        fields=["termination_reason", "ended_at"],
        message=reason,
        data={"cancelled_tranches": len(planned)},
    )
    _cancel(planned, contract, actor)
    if was_visible:
        notify_cluster(contract, "contract_ended", f"contract-ended:{contract.pk}")
    return contract
