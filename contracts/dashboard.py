"""The programme's figures, summed by the database: contracts, subsidy committed and paid, KPI
targets and what the approved reports say was achieved — per call, per indicator and per
cluster. A few grouped queries whatever the number of contracts.

Which contracts and amounts count:
- *signed*: signed by the cluster, in force or closed (what the State has put its name to);
- *committed* subsidy: the amounts of the tranches of the contracts past their signature
  (signed, active, closed, terminated), except the tranches cancelled — what the contracts
  promise. It is exactly the sum of the contracts' schedules until a contract is terminated
  (its planned tranches are then cancelled), so the 2011 cohort shows its 17 MDH whatever its
  reports achieved. `tranche_commitment()` (what the envelope counts) would drop a tranche
  reduced or withheld for missed KPI targets: that gap is shown beside it as *reduced or
  withheld*, rather than made to disappear from what was committed. Drafts and contracts
  awaiting the cluster's signature commit nothing yet: they are counted by status only.
- *paid*: the payments recorded; *due unpaid*: what is due and not yet paid.
- KPI *targets* are those of the signed contracts (a terminated contract no longer promises
  anything); *achieved* values come from approved annual reports only.
- The public summary shows only contracts countersigned by the ministry (in force or closed).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce

from applications.choices import Indicator
from applications.models import Call, CallStatus

from .models import (
    CUSTOM_INDICATOR,
    CallFigures,
    Contract,
    ContractStatus,
    KpiAchievement,
    KpiCommitment,
    ReportStatus,
    Tranche,
    TrancheStatus,
)
from .selectors import ZERO, with_totals

SIGNED = (ContractStatus.SIGNED, ContractStatus.ACTIVE, ContractStatus.CLOSED)
COMMITTING = (*SIGNED, ContractStatus.TERMINATED)
PUBLIC = (ContractStatus.ACTIVE, ContractStatus.CLOSED)
INDICATOR_ORDER = {value: position for position, value in enumerate(Indicator.values)}
MONEY: DecimalField = DecimalField(max_digits=14, decimal_places=2)


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
class CallLine:
    """One call's contracts and money (or the programme's, for the total line)."""

    call_id: int | None = None
    reference: str = ""
    title: str = ""
    statuses: dict = field(default_factory=dict)
    clusters: int = 0
    money: Money = field(default_factory=Money)

    @property
    def contracts(self):
        return sum(self.statuses.values())

    @property
    def signed(self):
        return sum(self.statuses.get(status, 0) for status in SIGNED)

    @property
    def status_rows(self):
        """(status, label, count) for every status, in the contract's order."""
        return [
            (value, label, self.statuses.get(value, 0)) for value, label in ContractStatus.choices
        ]


@dataclass
class KpiLine:
    """Target and achievement of one indicator (custom indicators under their label)."""

    indicator: str
    label: str
    target: int = 0
    target_to_date: int = 0
    achieved: int = 0

    @property
    def key(self):
        return (self.indicator, self.label)

    @property
    def name(self):
        return self.label or str(Indicator(self.indicator).label)

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


@dataclass
class ClusterLine:
    cluster_id: int
    name: str
    cells: dict = field(default_factory=dict)  # (indicator, label) -> KpiLine
    row: list = field(default_factory=list)  # the cells in the order of the indicators' columns


@dataclass
class Programme:
    call: Call | None
    total: CallLine
    calls: list
    indicators: list
    clusters: list

    @property
    def has_contracts(self):
        return self.total.contracts > 0


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


def call_lines(call=None):
    """Each call with contracts (or the one given): contracts by status, clusters under a
    signed contract, money; and the programme's total line. Four queries."""
    rows = (
        _contracts(call)
        .values("call", "call__reference", "call__title", "call__edition_year", "status")
        .annotate(count=Count("pk"))
        .order_by("call__edition_year", "call__reference")
    )
    lines = {}
    for row in rows:
        line = lines.setdefault(
            row["call"], CallLine(row["call"], row["call__reference"], row["call__title"])
        )
        line.statuses[row["status"]] = row["count"]
    for call_id, count in _clusters_by_call(_contracts(call, SIGNED)).items():
        lines[call_id].clusters = count
    for call_id, money in money_by_call(_contracts(call, COMMITTING)).items():
        lines[call_id].money = money
    total = CallLine()
    for line in lines.values():
        for status, count in line.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + count
        total.money.add(line.money)
    # A cluster under contract in two calls is one cluster of the programme.
    total.clusters = _contracts(call, SIGNED).aggregate(count=Count("cluster", distinct=True))[
        "count"
    ]
    return total, list(lines.values())


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
        .annotate(target=Sum("target"))
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
        )
        lines.append((row, line))
    return sorted(lines, key=lambda pair: pair[1].sort_key)


def _cluster_name(name, acronym):
    return f"{name} ({acronym})" if acronym else name


def kpi_table(call=None):
    """Targets and achieved values over the signed contracts of the call (or of the
    programme), per indicator and per cluster × indicator: two grouped queries, the
    indicators' lines being the sums of the clusters' cells (a cluster with contracts under
    several calls is summed over them when no call is chosen)."""
    contracts = _contracts(call, SIGNED)
    commitments = (
        KpiCommitment.objects.filter(contract__in=contracts)
        .values_list(
            "contract__cluster",
            "contract__cluster__name",
            "contract__cluster__acronym",
            "indicator",
            "label",
        )
        .annotate(target=Sum("target"))
        .order_by()
    )
    reported = _achieved(contracts, ("cluster",))
    indicators, clusters = {}, {}
    for cluster_id, name, acronym, indicator, label, target in commitments:
        target_to_date, achieved = reported.get((cluster_id, indicator, label), (0, 0))
        cluster = clusters.get(cluster_id)
        if cluster is None:
            cluster = clusters[cluster_id] = ClusterLine(cluster_id, _cluster_name(name, acronym))
        key = (indicator, label)
        cluster.cells[key] = KpiLine(indicator, label, target, target_to_date, achieved)
        line = indicators.get(key)
        if line is None:
            line = indicators[key] = KpiLine(indicator, label)
        line.target += target
        line.target_to_date += target_to_date
        line.achieved += achieved
    return (
        sorted(indicators.values(), key=lambda line: line.sort_key),
        sorted(clusters.values(), key=lambda cluster: cluster.name.lower()),
    )


def programme(call=None):
    """Everything the administrators' dashboard shows, for one call or the whole programme
    (six queries)."""
    total, calls = call_lines(call)
    indicators, clusters = kpi_table(call)
    for cluster in clusters:
        cluster.row = [cluster.cells.get(line.key) for line in indicators]
    return Programme(call=call, total=total, calls=calls, indicators=indicators, clusters=clusters)


def key_figures():
    """The programme's contracts signed, subsidy committed and paid (two queries)."""
    signed = _contracts(statuses=SIGNED).count()
    total = Money()
    for money in money_by_call(_contracts(statuses=COMMITTING)).values():
        total.add(money)
    return {"signed": signed, "money": total}


def programme_calls():
    """The calls the dashboard can be filtered on: those with at least one contract."""
    return Call.objects.filter(pk__in=Contract.objects.values("call")).order_by(
        "-edition_year", "reference"
    )


def _committed_of_contract():
    return Coalesce(
        Subquery(
            Tranche.objects.filter(contract=OuterRef("pk"))
            .values("contract")
            .annotate(total=Sum("amount", filter=NOT_CANCELLED))
            .values("total")
        ),
        ZERO,
    )


def contract_lines(call=None):
    """Every contract of the call (or of the programme), drafts included, with its schedule,
    committed and paid amounts, and its targets and achieved values per indicator (the
    exports). Three queries."""
    contracts = list(
        with_totals(_contracts(call).select_related("call", "cluster"))
        .annotate(
            committed_total=Case(
                When(status__in=COMMITTING, then=_committed_of_contract()),
                default=ZERO,
                output_field=MONEY,
            )
        )
        .order_by("call__edition_year", "call__reference", "reference")
    )
    kpis = {}
    for row, line in kpi_rows(_contracts(call), ("id",)):
        kpis.setdefault(row["contract__id"], {})[line.key] = line
    for contract in contracts:
        contract.kpis = kpis.get(contract.pk, {})
    return contracts


@dataclass
class PublicLine:
    call: Call
    clusters: int
    committed: Decimal
    indicators: list


def public_summary(call=None):
    """Per call whose results are published, once contracts are countersigned: the clusters
    under contract, the subsidy committed and the KPI targets per indicator — totals only.
    Four queries."""
    contracts = _contracts(call, PUBLIC).filter(call__status=CallStatus.RESULTS_PUBLISHED)
    clusters = _clusters_by_call(contracts)
    if not clusters:
        return []
    money = money_by_call(contracts)
    targets = {}
    for row, line in kpi_rows(contracts, ("call",), achieved=False):
        targets.setdefault(row["contract__call"], []).append(line)
    calls = Call.objects.filter(pk__in=clusters).order_by("-edition_year", "reference")
    return [
        PublicLine(
            call=line_call,
            clusters=clusters[line_call.pk],
            committed=money.get(line_call.pk, Money()).committed,
            indicators=targets.get(line_call.pk, []),
        )
        for line_call in calls
    ]


def cluster_record(cluster, *, excluding_call):
    """The cluster's contracts under other calls (drafts excepted), with their subsidy, what
    was paid, and per indicator the target and the achieved value. Three queries."""
    contracts = _contracts().filter(cluster=cluster).exclude(call=excluding_call)
    contracts = contracts.exclude(status=ContractStatus.DRAFT).filter(sent_at__isnull=False)
    # Most clusters have no earlier contract: asking costs a plain query, where building the
    # totals' subqueries for an empty list cost 3.5 ms.
    if not contracts.exists():
        return []
    rows = list(
        with_totals(contracts.select_related("call")).order_by("call__edition_year", "reference")
    )
    if not rows:
        return []
    kpis = {}
    for row, line in kpi_rows(contracts, ("id",)):
        kpis.setdefault(row["contract__id"], []).append(line)
    for contract in rows:
        contract.kpi_lines = kpis.get(contract.pk, [])
    return rows


def live_call_figures(call) -> tuple[int, Decimal, list[KpiLine]]:
    """The clusters under contract, the subsidy committed and the KPI targets of the call's
    contracts in force or closed, added up by the database: two queries."""
    contracts = _contracts(call, PUBLIC)
    totals = contracts.aggregate(
        clusters=Count("cluster", distinct=True),
        committed=Coalesce(
            Sum("tranches__amount", filter=~Q(tranches__status=TrancheStatus.CANCELLED)), ZERO
        ),
    )
    if not totals["clusters"]:
        return 0, Decimal("0"), []
    lines = [line for _row, line in kpi_rows(contracts, achieved=False)]
    return totals["clusters"], totals["committed"], lines


def public_call_line(call) -> PublicLine | None:
    """The public summary of one call, on its page: one row kept by the contracts' transitions
    (`CallFigures`), or, for a call that has none yet, the live sums."""
    if call.status != CallStatus.RESULTS_PUBLISHED:
        return None
    stored = CallFigures.objects.filter(call_id=call.pk).first()
    if stored is None:
        clusters, committed, lines = live_call_figures(call)
    else:
        clusters, committed = stored.clusters, stored.committed
        lines = [KpiLine(indicator, label, target) for indicator, label, target in stored.targets]
    if not clusters:
        return None
    return PublicLine(call=call, clusters=clusters, committed=committed, indicators=lines)
