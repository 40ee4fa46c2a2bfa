"""Annual reports: the cluster files what it achieved, the ministry approves or asks for changes,
and approval makes the tranches tied to the report payable."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.antivirus import journal_infected_uploads, scan_upload_or_refuse
from core.errors import ApplicationError
from core.formatting import joined_text
from core.states import StateMachine
from core.uploads import FileType, check_upload

from ..models import (
    AnnualReport,
    Contract,
    ContractStatus,
    KpiAchievement,
    ReportStatus,
)
from ..selectors import report_missing, report_rate
from .guards import require_manager
from .lifecycle import INFECTED, notify_cluster, notify_ministry
from .tranches import tranches_release

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User

    from ..models import KpiCommitment

REPORT_TYPES = [FileType.PDF, FileType.DOCX, FileType.XLSX, FileType.ODT, FileType.ODS]
EVIDENCE_TYPES = [*REPORT_TYPES, FileType.JPEG, FileType.PNG]
REPORT_MAX_MB = 20


R = ReportStatus
REPORT_STATES = StateMachine(
    "report",
    {
        (R.DRAFT, "submit"): R.SUBMITTED,
        (R.CHANGES_REQUESTED, "submit"): R.SUBMITTED,
        (R.SUBMITTED, "request_changes"): R.CHANGES_REQUESTED,
        (R.SUBMITTED, "approve"): R.APPROVED,
    },
)


def report_transition(
    *,
    actor: User,
    report: AnnualReport,
    action: str,
    fields: Iterable[str] = (),
    message: str = "",
    data: dict | None = None,
) -> AnnualReport:
    """Move a locked report along the table above, saving the other `fields` the caller set.
    Journaled on its contract, whose timeline shows the reports' events."""
    REPORT_STATES.move(
        report,
        action,
        actor=actor,
        fields=fields,
        journal_target=report.contract,
        message=message,
        data={"year": report.year, **(data or {})},
    )
    return report


def _ensure_can_report(actor: User, contract: Contract) -> None:
    if not actor.has_perm("contracts.report", contract):
        raise ApplicationError(
            _("Vous ne pouvez pas rendre compte pour ce contrat."), code="forbidden"
        )
    if contract.status != ContractStatus.ACTIVE:
        raise ApplicationError(
            _("Les rapports annuels se déposent sur un contrat en vigueur."), code="not_active"
        )


def _ensure_year_open(contract: Contract, year: int) -> None:
    if not 1 <= year <= contract.years:
        raise ApplicationError(
            _("L'année %(year)s n'existe pas dans ce contrat.") % {"year": year}, code="year"
        )
    if (
        year > 1
        and not contract.reports.filter(
            year=year - 1, status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED]
        ).exists()
    ):
        raise ApplicationError(
            _("Transmettez d'abord le rapport de l'année %(year)s.") % {"year": year - 1},
            code="previous_year",
        )


def ensure_report_can_open(*, actor: User, contract: Contract, year: int) -> None:
    """Refuse, with the reason in words, a report this person may not start for this year
    (a check only: the report page's GET shows a new report without creating it)."""
    _ensure_can_report(actor, contract)
    _ensure_year_open(contract, year)


@transaction.atomic
def report_open(*, actor: User, contract: Contract, year: int) -> AnnualReport:
    """The report of a year, created as a draft the first time the cluster saves it."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    _ensure_can_report(actor, contract)
    report = contract.reports.filter(year=year).first()
    if report is None:
        _ensure_year_open(contract, year)
        report = AnnualReport.objects.create(contract=contract, year=year)
    return report


def _ensure_editable(report: AnnualReport) -> None:
    if not report.is_editable:
        raise ApplicationError(
            _("Ce rapport est transmis : il ne peut plus être modifié."), code="not_editable"
        )


def _lock_report(report: AnnualReport) -> AnnualReport:
    return (
        AnnualReport.objects.select_for_update(of=("self",))
        .select_related("contract__cluster")
        .get(pk=report.pk)
    )


@journal_infected_uploads(INFECTED)
@transaction.atomic
def report_save(
    *,
    actor: User,
    report: AnnualReport,
    comment: str | None = None,
    activity_report: UploadedFile | None = None,
    financial_report: UploadedFile | None = None,
) -> AnnualReport:
    """Save the texts and files of a draft report; files are checked like dossier files."""
    report = _lock_report(report)
    _ensure_can_report(actor, report.contract)
    _ensure_editable(report)
    fields = ["updated_at"]
    if comment is not None:
        report.comment = comment.strip()
        fields.append("comment")
    for name, upload in (
        ("activity_report", activity_report),
        ("financial_report", financial_report),
    ):
        if upload is not None:
            try:
                checked = check_upload(
                    upload, allowed_types=REPORT_TYPES, max_size_mb=REPORT_MAX_MB
                )
            except ApplicationError as error:
                raise ApplicationError(error.message, field=name) from error
            scan_upload_or_refuse(
                upload, name=checked.name, target=report.contract, actor=actor, field=name
            )
            getattr(report, name).save(checked.name, upload, save=False)
            fields.append(name)
    report.save(update_fields=fields)
    return report


@journal_infected_uploads(INFECTED)
@transaction.atomic
def achievement_save(
    *,
    actor: User,
    report: AnnualReport,
    commitment: KpiCommitment,
    achieved: int,
    comment: str = "",
    evidence: UploadedFile | None = None,
) -> KpiAchievement:
    """Record the value achieved for one commitment of the report's year, with its evidence."""
    report = _lock_report(report)
    _ensure_can_report(actor, report.contract)
    _ensure_editable(report)
    if commitment.contract_id != report.contract_id or commitment.year != report.year:
        raise ApplicationError(_("Cet indicateur ne relève pas de ce rapport."), code="mismatch")
    if achieved is None or achieved < 0:
        raise ApplicationError(
            _("La valeur réalisée est un nombre positif ou nul."), field="achieved"
        )
    line = KpiAchievement.objects.filter(report=report, commitment=commitment).first()
    line = line or KpiAchievement(report=report, commitment=commitment)
    line.achieved = achieved
    line.comment = (comment or "").strip()
    if evidence is not None:
        try:
            checked = check_upload(
                evidence, allowed_types=EVIDENCE_TYPES, max_size_mb=REPORT_MAX_MB
            )
        except ApplicationError as error:
            raise ApplicationError(error.message, field="evidence") from error
        scan_upload_or_refuse(
            evidence, name=checked.name, target=report.contract, actor=actor, field="evidence"
        )
        line.evidence.save(checked.name, evidence, save=False)
        line.evidence_name = checked.name
    line.save()
    return line


@transaction.atomic
def report_submit(*, actor: User, report: AnnualReport) -> AnnualReport:
    report = _lock_report(report)
    _ensure_can_report(actor, report.contract)
    _ensure_editable(report)
    missing = report_missing(report)
    if missing:
        raise ApplicationError(
            _("Le rapport est incomplet : il manque %(list)s.") % {"list": joined_text(missing)},
            code="incomplete",
        )
    report.submitted_at = timezone.now()
    report.submitted_by = actor
    report_transition(
        actor=actor, report=report, action="submit", fields=["submitted_at", "submitted_by"]
    )
    notify_ministry(
        report.contract,
        "report_submitted",
        f"report-submitted:{report.pk}:{report.submitted_at.isoformat()}",
        report=report,
    )
    return report


@dataclass
class ReportFiling:
    """What `report_fill` did: the report, the refusals to show next to their fields
    ([(field or None, message)]), and whether the report was transmitted, or why not."""

    report: AnnualReport
    errors: list = field(default_factory=list)
    submitted: bool = False
    refusal: ApplicationError | None = None


def _attempt(
    filing: ReportFiling,
    step: Callable[..., object],
    field_of: Callable[..., str | None],
    **arguments: Any,
) -> ApplicationError | None:
    """Run one part of the page's save in its own savepoint: refused, it is undone alone, its
    error kept for its field and returned; the rest of the report is saved."""
    try:
        step(**arguments)
    except ApplicationError as error:
        filing.errors.append((field_of(error), error.message))
        return error
    return None


@transaction.atomic
def report_fill(
    *,
    actor: User,
    contract: Contract,
    year: int,
    comment: str | None,
    files: dict,
    lines: list,
    submit: bool,
) -> ReportFiling:
    """The director's report page, in one transaction: the year's report (created on its
    first save), its comment, its two files and its lines, each part kept if valid, so that
    one refused file does not lose the rest; then, if asked and nothing was refused, its
    transmission. `lines`: [(commitment, achieved, comment, evidence or None)]."""
    filing = ReportFiling(report=report_open(actor=actor, contract=contract, year=year))
    report = filing.report
    if _attempt(
        filing, report_save, lambda error: None, actor=actor, report=report, comment=comment
    ):
        return filing
    for name, upload in files.items():
        if upload:
            _attempt(
                filing,
                report_save,
                lambda error, name=name: name,
                actor=actor,
                report=report,
                **{name: upload},
            )
    for commitment, achieved, text, evidence in lines:
        _file_line(filing, actor, report, commitment, achieved, text, evidence)
    if submit and not filing.errors:
        try:
            report_submit(actor=actor, report=report)
        except ApplicationError as error:
            filing.refusal = error
        else:
            filing.submitted = True
    return filing


def _file_line(
    filing: ReportFiling,
    actor: User,
    report: AnnualReport,
    commitment: KpiCommitment,
    achieved: int,
    text: str,
    evidence: UploadedFile | None,
) -> None:
    """One indicator's line; a refused evidence file does not lose the value and comment."""

    def field_of(error: ApplicationError) -> str | None:
        return f"{error.field}_{commitment.pk}" if error.field else None

    line = {"actor": actor, "report": report, "commitment": commitment, "achieved": achieved}
    error = _attempt(filing, achievement_save, field_of, **line, comment=text, evidence=evidence)
    if error is not None and error.field == "evidence":
        _attempt(filing, achievement_save, field_of, **line, comment=text, evidence=None)


def _ensure_submitted(report: AnnualReport) -> None:
    if report.status != ReportStatus.SUBMITTED:
        raise ApplicationError(
            _("Seul un rapport transmis peut être examiné."), code="not_submitted"
        )


@transaction.atomic
def report_request_changes(*, actor: User, report: AnnualReport, comment: str) -> AnnualReport:
    require_manager(actor)
    report = _lock_report(report)
    _ensure_submitted(report)
    comment = (comment or "").strip()
    if not comment:
        raise ApplicationError(
            _("Précisez les compléments attendus du cluster."), field="review_comment"
        )
    report.review_comment = comment
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report_transition(
        actor=actor,
        report=report,
        action="request_changes",
        fields=["review_comment", "reviewed_at", "reviewed_by"],
        message=comment,
    )
    notify_cluster(
        report.contract,
        "report_reviewed",
        f"report-changes:{report.pk}:{report.reviewed_at.isoformat()}",
        report=report,
        tranches=[],
    )
    return report


@transaction.atomic
def report_approve(*, actor: User, report: AnnualReport, comment: str = "") -> AnnualReport:
    """Approve the report: the KPI achievement rate is computed and the tranches it conditions
    become payable, reduced or withheld below the contract's threshold."""
    require_manager(actor)
    report = _lock_report(report)
    _ensure_submitted(report)
    report.review_comment = (comment or "").strip()
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report.achievement_rate = report_rate(report)
    report_transition(
        actor=actor,
        report=report,
        action="approve",
        fields=["review_comment", "reviewed_at", "reviewed_by", "achievement_rate"],
        data={"achievement_rate": str(report.achievement_rate)},
    )
    released = tranches_release(
        actor=actor, contract=report.contract, event="report", report=report
    )
    notify_cluster(
        report.contract,
        "report_reviewed",
        f"report-approved:{report.pk}",
        report=report,
        tranches=released,
    )
    return report
