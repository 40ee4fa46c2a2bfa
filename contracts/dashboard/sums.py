"""What every figure of the dashboard is made of: which contracts count (see the package's
docstring), the money and KPI lines, and the grouped sums of tranches and commitments."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Max, Q, Sum, When
from django.db.models.functions import Coalesce

from applications.choices import Indicator

from ..models import (
    CUSTOM_INDICATOR,
    Contract,
    ContractStatus,
    KpiAchievement,
    KpiCommitment,
    ReportStatus,
    Tranche,
    TrancheStatus,
    custom_name,
)
from ..selectors import ZERO

SIGNED = (ContractStatus.SIGNED, ContractStatus.ACTIVE, ContractStatus.CLOSED)
COMMITTING = (*SIGNED, ContractStatus.TERMINATED)
PUBLIC = (ContractStatus.ACTIVE, ContractStatus.CLOSED)
INDICATOR_ORDER = {value: position for position, value in enumerate(Indicator.values)}
MONEY: DecimalField = DecimalField(max_digits=14, decimal_places=2)
# Sums go by a custom indicator's French name; its translations are read beside it (any one
# of the contracts' names: the same French name is one indicator whatever its translations).
TRANSLATED_NAMES = {"name_ar": Max("label_ar"), "name_en": Max("label_en")}


def names_of(row) -> dict[str, str]:
    """{"ar": …, "en": …} of a row annotated with TRANSLATED_NAMES."""
    return {"ar": row["name_ar"], "en": row["name_en"]}


def _percent(part, whole):
    if not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)


def _contracts(call=None, statuses=None):
    contracts = Contract.objects.all()
    if call is not None:
        contracts = contracts.filter(call=call)
    if statuses is not None:
        contracts = contracts.filter(status__in=statuses)
    return contracts


@dataclass
class Money:
    committed: Decimal = Decimal("0")
    paid: Decimal = Decimal("0")
    due_unpaid: Decimal = Decimal("0")
    reduced: Decimal = Decimal("0")  # reduced or withheld for missed KPI targets

    @property
    def share_paid(self):
        return _percent(self.paid, self.committed)

    def add(self, other):
        self.committed += other.committed
        self.paid += other.paid
        self.due_unpaid += other.due_unpaid
        self.reduced += other.reduced


@dataclass
class KpiLine:
    """Target and achievement of one indicator (custom indicators under their label)."""

    indicator: str
    label: str
    target: int = 0
    target_to_date: int = 0
    achieved: int = 0
    # A custom indicator's names in Arabic and English ({"ar": …, "en": …}), French being `label`.
    names: dict = field(default_factory=dict)

    @property
    def key(self):
        return (self.indicator, self.label)

    @property
    def name(self):
        """In the reader's language, French where a custom indicator is not translated."""
        return custom_name(self.label, self.names) or str(Indicator(self.indicator).label)

    @property
    def sort_key(self):
        custom = self.indicator == CUSTOM_INDICATOR
        return (custom, INDICATOR_ORDER.get(self.indicator, 0), self.label.lower())

    @property
    def rate(self):
        """Achieved over the targets of the years whose report is approved, in %."""
        return _percent(self.achieved, self.target_to_date)

    @property
    def progress(self):
        """Achieved over the whole contracts' targets, in %, capped at 100 (for the bars)."""
        share = _percent(self.achieved, self.target)
        return min(share, Decimal("100")) if share is not None else Decimal("0")


NOT_CANCELLED = ~Q(status=TrancheStatus.CANCELLED)
# What a tranche lost to the KPI rule: all of it once withheld, the cut once due or paid.
REDUCTION = Case(
    When(status=TrancheStatus.WITHHELD, then=F("amount")),
    When(
        status__in=[TrancheStatus.DUE, TrancheStatus.PAID],
        then=F("amount") - Coalesce(F("due_amount"), F("amount")),
    ),
    default=ZERO,
    output_field=MONEY,
)


def money_by_call(contracts):
    """{call_id: Money} of the given contracts, in one grouped query over their tranches."""
    rows = (
        Tranche.objects.filter(contract__in=contracts)
        .values("contract__call")
        .annotate(
            committed=Coalesce(Sum("amount", filter=NOT_CANCELLED), ZERO),
            paid=Coalesce(Sum("payment__amount"), ZERO, output_field=MONEY),
            due_unpaid=Coalesce(
                Sum("due_amount", filter=Q(status=TrancheStatus.DUE)), ZERO, output_field=MONEY
            ),
            reduced=Coalesce(Sum(REDUCTION), ZERO),
        )
        .order_by()
    )
    return {
        row["contract__call"]: Money(
            row["committed"], row["paid"], row["due_unpaid"], row["reduced"]
        )
        for row in rows
    }


def _clusters_by_call(contracts):
    rows = contracts.values("call").annotate(count=Count("cluster", distinct=True)).order_by()
    return {row["call"]: row["count"] for row in rows}


def _achieved(contracts, group):
    """{key: (target, achieved)} over the commitments reported in approved reports: the
    targets of the years the ministry has approved, and what was achieved in them."""
    rows = (
        KpiAchievement.objects.filter(
            report__status=ReportStatus.APPROVED, commitment__contract__in=contracts
        )
        .values(
            *[f"commitment__contract__{name}" for name in group],
            "commitment__indicator",
            "commitment__label",
        )
        .annotate(target=Sum("commitment__target"), achieved=Sum("achieved"))
        .order_by()
    )
    return {
        (
            *[row[f"commitment__contract__{name}"] for name in group],
            row["commitment__indicator"],
            row["commitment__label"],
        ): (row["target"], row["achieved"])
        for row in rows
    }


def kpi_rows(contracts, group=(), achieved=True):
    """[(row, KpiLine)]: targets (and achieved values, from approved reports) of the given
    contracts per indicator, grouped also by `group` (fields of the contract). Two queries."""
    commitments = (
        KpiCommitment.objects.filter(contract__in=contracts)
        .values(*[f"contract__{name}" for name in group], "indicator", "label")
        .annotate(target=Sum("target"), **TRANSLATED_NAMES)
        .order_by()
    )
    reported = _achieved(contracts, group) if achieved else {}
    lines = []
    for row in commitments:
        key = (*[row[f"contract__{name}"] for name in group], row["indicator"], row["label"])
        target_to_date, achieved_value = reported.get(key, (0, 0))
        line = KpiLine(
            row["indicator"],
            row["label"],
            target=row["target"],
            target_to_date=target_to_date,
            achieved=achieved_value,
            names=names_of(row),
        )
        lines.append((row, line))
    return sorted(lines, key=lambda pair: pair[1].sort_key)
