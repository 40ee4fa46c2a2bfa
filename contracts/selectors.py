"""Reads on contracts: what each person may see, and the sums the envelope and dashboards need,
computed by the database."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from accounts.models import Role
from applications.choices import Indicator
from applications.selectors import edited_cluster_ids
from core.formatting import isolated_text

from .defaults import TERMS
from .models import (
    Contract,
    ContractStatus,
    ContractTerms,
    KpiCommitment,
    Tranche,
    TrancheStatus,
)
from .payouts import achievement_rate

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from accounts.models import User
    from applications.models import Call

    from .models import AnnualReport, ContractVersion

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def tranche_commitment(prefix: str = "") -> Case:
    """What a tranche still engages of the State's money: what was paid once paid, what is due
    once due, nothing once withheld or cancelled, the planned amount otherwise."""
    field = (lambda name: f"{prefix}{name}") if prefix else (lambda name: name)
    return Case(
        When(**{field("status"): TrancheStatus.PAID}, then=F(field("payment__amount"))),
        When(**{field("status"): TrancheStatus.DUE}, then=F(field("due_amount"))),
        When(
            **{f"{field('status')}__in": [TrancheStatus.WITHHELD, TrancheStatus.CANCELLED]},
            then=ZERO,
        ),
        default=F(field("amount")),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def committed_under(call: Call, *, excluding: Contract | None = None) -> Decimal:
    """Σ of what the call's contracts engage, by the database."""
    tranches = Tranche.objects.filter(contract__call=call)
    if excluding is not None:
        tranches = tranches.exclude(contract=excluding)
    return tranches.aggregate(total=Coalesce(Sum(tranche_commitment()), ZERO))["total"]


def _sum_of_tranches(**filters: Any) -> Coalesce:
    return Coalesce(
        Subquery(
            Tranche.objects.filter(contract=OuterRef("pk"), **filters)
            .values("contract")
            .annotate(total=Sum("amount"))
            .values("total")
        ),
        ZERO,
    )


def _sum_paid() -> Coalesce:
    return Coalesce(
        Subquery(
            Tranche.objects.filter(contract=OuterRef("pk"), status=TrancheStatus.PAID)
            .values("contract")
            .annotate(total=Sum("payment__amount"))
            .values("total")
        ),
        ZERO,
    )


def with_totals(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    """Annotate each contract with its scheduled subsidy and what has been paid (subqueries:
    one query for the whole list)."""
    return contracts.annotate(subsidy_total=_sum_of_tranches(), paid_total=_sum_paid())


def contract_terms(call: Call, language: str) -> ContractTerms:
    """The call's model contract in a language: the one saved, or the ministry's model, not
    saved (the first `terms_update` or rendered contract saves it)."""
    terms = ContractTerms.objects.filter(call=call, language=language).first()
    if terms is None:
        with translation.override(language):
            texts = {name: str(text) for name, text in TERMS.items()}
        terms = ContractTerms(call=call, language=language, **texts)
    return terms


def contracts_visible_to(user: User | AnonymousUser) -> QuerySet[Contract]:
    """The contracts a person may open: all for administrators, their cluster's once sent for
    signature for directors, none for anyone else."""
    base = Contract.objects.select_related("call", "cluster", "decision__dossier")
    if not user.is_authenticated or not user.is_active:
        return base.none()
    if user.role == Role.ADMINISTRATOR:
        return base
    if user.role == Role.DIRECTOR:
        return (
            base.filter(cluster_id__in=edited_cluster_ids(user))
            .filter(sent_at__isnull=False)
            .exclude(status=ContractStatus.DRAFT)
        )
    return base.none()


def _programme_order(commitment: KpiCommitment) -> tuple[int, str, int]:
    """The programme's indicators in their usual order, then the contract's own ones."""
    order = Indicator.values
    position = order.index(commitment.indicator) if commitment.indicator in order else len(order)
    return position, commitment.label, commitment.year


_name_when_shown = lazy(lambda commitment: commitment.name, str)


def commitment_table(commitments: Iterable[KpiCommitment], years: int) -> list[dict[str, Any]]:
    """KPI commitments as rows (one per indicator) of targets per year, with their total."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for commitment in commitments:
        key = (commitment.indicator, commitment.label)
        # Read when the page or PDF is rendered, in its language, not when the table is built.
        name = _name_when_shown(commitment)
        row = rows.setdefault(key, {"name": name, "targets": [None] * years, "total": 0})
        row["targets"][commitment.year - 1] = commitment.target
        row["total"] += commitment.target
    return list(rows.values())


def contract_schedule(contract: Contract) -> dict[str, Any]:
    """The subsidy schedule by year with its tranches, and the KPI commitments table (three
    queries whatever the contract's length)."""
    tranches = list(contract.tranches.select_related("payment").order_by("year", "position"))
    years = list(contract.contract_years.order_by("year"))
    for row in years:
        # What the schedule shows under each year, kept on the row the template reads.
        row.tranche_list = [  # type: ignore[attr-defined]
            tranche for tranche in tranches if tranche.year == row.year
        ]
    commitments = sorted(contract.commitments.all(), key=_programme_order)
    return {
        "schedule": years,
        "tranches": tranches,
        "subsidy_total": sum((row.amount for row in years), Decimal("0")),
        "commitment_rows": commitment_table(commitments, contract.years),
        "year_numbers": list(range(1, contract.years + 1)),
    }


class MissingPart(NamedTuple):
    """Something the contract's PDF lacks, and the drafting page where it is filled in."""

    text: str
    url_name: str


def contract_missing(contract: Contract) -> list[MissingPart]:
    """What the contract's PDF still lacks before it may be sent for signature; [] when it is
    complete. The schedule and commitments are counted in one query."""
    parts = (
        Contract.objects.filter(pk=contract.pk)
        .annotate(
            year_count=Count("contract_years", distinct=True),
            has_tranches=Exists(Tranche.objects.filter(contract=OuterRef("pk"))),
            has_commitments=Exists(KpiCommitment.objects.filter(contract=OuterRef("pk"))),
        )
        .values("year_count", "has_tranches", "has_commitments")
        .get()
    )
    missing = [
        MissingPart(text, "contracts:draft_update")
        for value, text in (
            (contract.legal_name, _("la dénomination de l'association")),
            (contract.representative_name, _("le nom du représentant du cluster")),
            (contract.representative_title, _("la qualité du représentant du cluster")),
            (contract.ministry_representative, _("le représentant du ministère")),
            (contract.start_date, _("la date de prise d'effet")),
        )
        if not (value.strip() if isinstance(value, str) else value)
    ]
    if parts["year_count"] < contract.years or not parts["has_tranches"]:
        missing.append(
            MissingPart(
                _("l'échéancier de la subvention (chaque année et ses tranches)"),
                "contracts:schedule",
            )
        )
    if not parts["has_commitments"]:
        missing.append(
            MissingPart(_("au moins un engagement d'indicateur (KPI)"), "contracts:commitments")
        )
    return missing


def latest_version(contract: Contract, language: str | None = None) -> ContractVersion | None:
    versions = contract.versions.exclude(pdf="")
    if language:
        versions = versions.filter(language=language)
    return versions.order_by("-number").first()


def report_missing(report: AnnualReport) -> list[str]:
    """What the cluster must still give before transmitting the report, in words (a report
    not saved yet misses everything)."""
    missing = []
    if not report.activity_report:
        missing.append(_("le rapport d'activité"))
    if not report.financial_report:
        missing.append(_("le rapport financier"))
    reported = (
        set(report.achievements.values_list("commitment_id", flat=True)) if report.pk else set()
    )
    for commitment in report.contract.commitments.filter(year=report.year):
        if commitment.pk not in reported:
            missing.append(
                _("la valeur réalisée de « %(name)s »") % {"name": isolated_text(commitment.name)}
            )
    return missing


def report_rate(report: AnnualReport) -> Decimal:
    pairs = report.achievements.values_list("achieved", "commitment__target")
    return achievement_rate(pairs)
