"""What the public sees of the contracts: per call whose results are published, the clusters
under a countersigned contract, the subsidy committed and the KPI targets — totals only."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from applications.models import Call, CallStatus

from ..models import CallFigures, TrancheStatus
from ..selectors import ZERO
from .sums import PUBLIC, KpiLine, Money, _clusters_by_call, _contracts, kpi_rows, money_by_call


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
        # [indicator, label, target, names]; rows kept before the names had three items.
        lines = [
            KpiLine(indicator, label, target, names=names[0] if names else {})
            for indicator, label, target, *names in stored.targets
        ]
    if not clusters:
        return None
    return PublicLine(call=call, clusters=clusters, committed=committed, indicators=lines)
