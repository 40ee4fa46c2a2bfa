"""What a report's indicators are worth and what each tranche then pays: the programme's
rules, computed without writing anything, so that the services that release the tranches
and the pages that preview a release apply the same ones."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Q

from .models import BelowThreshold, TrancheCondition

if TYPE_CHECKING:
    from .models import AnnualReport, Contract, Tranche

HUNDRED = Decimal("100")


def achievement_rate(pairs: Iterable[tuple[int, int]]) -> Decimal:
    """The mean over indicators of achieved / target, each capped at 100 %, in percent.
    Indicators with a zero target say nothing of the rate and are left out."""
    ratios = [
        min(Decimal(achieved) / Decimal(target), Decimal(1)) for achieved, target in pairs if target
    ]
    if not ratios:
        return HUNDRED
    mean = sum(ratios, Decimal(0)) / len(ratios) * HUNDRED
    return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def released_by(event: str, report: AnnualReport | None) -> Q:
    """The planned tranches an event makes payable, as a filter on the contract's tranches."""
    if event == "signature":
        return Q(condition=TrancheCondition.SIGNATURE)
    if report is None:
        raise ValueError("Every event but the signature comes with its report.")
    this_year = Q(
        year=report.year,
        condition__in=[TrancheCondition.REPORT, TrancheCondition.REPORT_KPI],
    )
    next_year = Q(year=report.year + 1, condition=TrancheCondition.PREVIOUS_REPORT)
    return this_year | next_year


def tranche_due_amount(tranche: Tranche, contract: Contract, rate: Decimal | None) -> Decimal:
    """What a released tranche is worth: all of it, unless tied to the KPIs and below the
    threshold, where it is reduced in proportion to the rate or withheld."""
    if tranche.condition != TrancheCondition.REPORT_KPI:
        return tranche.amount
    if rate is None:
        raise ValueError("A tranche tied to the KPIs is released by a report, with its rate.")
    if rate >= contract.kpi_threshold:
        return tranche.amount
    if contract.below_threshold == BelowThreshold.WITHHOLD:
        return Decimal("0")
    return (tranche.amount * rate / HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
