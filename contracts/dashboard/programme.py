"""The administrators' figures: the programme's lines per call and per status, the KPI table
per indicator and cluster, the key figures, the contracts' lines of the exports, and a
cluster's record under earlier calls."""

from dataclasses import dataclass, field

from django.db.models import Case, Count, OuterRef, Subquery, Sum, When
from django.db.models.functions import Coalesce

from applications.models import Call
from core.translation import localized

from ..models import Contract, ContractStatus, KpiCommitment, Tranche
from ..selectors import ZERO, with_totals
from .sums import (
    COMMITTING,
    MONEY,
    NOT_CANCELLED,
    SIGNED,
    TRANSLATED_NAMES,
    KpiLine,
    Money,
    _achieved,
    _clusters_by_call,
    _contracts,
    kpi_rows,
    money_by_call,
)


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


def call_lines(call=None):
    """Each call with contracts (or the one given): contracts by status, clusters under a
    signed contract, money; and the programme's total line. Four queries."""
    rows = (
        _contracts(call)
        .annotate(call_title=localized("call__title"))
        .values("call", "call__reference", "call_title", "call__edition_year", "status")
        .annotate(count=Count("pk"))
        .order_by("call__edition_year", "call__reference")
    )
    lines = {}
    for row in rows:
        line = lines.setdefault(
            row["call"], CallLine(row["call"], row["call__reference"], row["call_title"])
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
        .annotate(target=Sum("target"), **TRANSLATED_NAMES)
        .order_by()
    )
    reported = _achieved(contracts, ("cluster",))
    indicators, clusters = {}, {}
    for cluster_id, name, acronym, indicator, label, target, name_ar, name_en in commitments:
        target_to_date, achieved = reported.get((cluster_id, indicator, label), (0, 0))
        cluster = clusters.get(cluster_id)
        if cluster is None:
            cluster = clusters[cluster_id] = ClusterLine(cluster_id, _cluster_name(name, acronym))
        key = (indicator, label)
        names = {"ar": name_ar, "en": name_en}
        cluster.cells[key] = KpiLine(indicator, label, target, target_to_date, achieved, names)
        line = indicators.get(key)
        if line is None:
            line = indicators[key] = KpiLine(indicator, label, names=dict(names))
        # The programme's line takes a translation from any cluster that gave one: the rows come
        # in no set order, and one cluster may have left its name untranslated.
        for code, text in names.items():
            line.names[code] = line.names.get(code) or text
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
