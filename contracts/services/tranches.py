"""A subsidy tranche's life: planned, then due (or withheld) when its condition is met, paid,
or cancelled when the contract ends before it was ever due."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from core.states import StateMachine

from ..models import (
    AnnualReport,
    BelowThreshold,
    Contract,
    Tranche,
    TrancheCondition,
    TrancheStatus,
)

if TYPE_CHECKING:
    from accounts.models import User

HUNDRED = Decimal("100")
S = TrancheStatus
TRANCHE_STATES = StateMachine(
    "tranche",
    {
        # "due" and "withhold" are the journal's words for a released tranche.
        (S.PLANNED, "due"): S.DUE,
        (S.PLANNED, "withhold"): S.WITHHELD,
        (S.DUE, "pay"): S.PAID,
        (S.PLANNED, "cancel"): S.CANCELLED,
    },
)


def tranche_transition(
    *,
    actor: User | None,
    tranche: Tranche,
    action: str,
    contract: Contract,
    fields: Iterable[str] = (),
    message: str = "",
    data: dict[str, Any] | None = None,
) -> Tranche:
    """Move a locked tranche along the table above, saving the other `fields` the caller set.
    Journaled on its contract, whose timeline shows its tranches' events."""
    TRANCHE_STATES.move(
        tranche,
        action,
        actor=actor,
        fields=fields,
        journal_target=contract,
        message=message,
        data={"year": tranche.year, "position": tranche.position, **(data or {})},
    )
    return tranche


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


def tranches_release(
    *, actor: User, contract: Contract, event: str, report: AnnualReport | None = None
) -> list[Tranche]:
    """Make the tranches an event conditions payable; returns them. Called inside the
    transaction of the approval or activation that triggers it."""
    rate = report.achievement_rate if report is not None else None
    tranches = list(
        Tranche.objects.select_for_update()
        .filter(released_by(event, report), contract=contract, status=TrancheStatus.PLANNED)
        .order_by("year", "position")
    )
    now = timezone.now()
    for tranche in tranches:
        due = tranche_due_amount(tranche, contract, rate)
        tranche.due_amount = due
        tranche.due_at = now
        if tranche.condition == TrancheCondition.REPORT_KPI:
            tranche.achievement_rate = rate
        tranche_transition(
            actor=actor,
            tranche=tranche,
            action="due" if due > 0 else "withhold",
            contract=contract,
            fields=["due_amount", "due_at", "achievement_rate"],
            data={
                "amount": str(tranche.amount),
                "due_amount": str(due),
                "achievement_rate": None if rate is None else str(rate),
                "before": {"status": TrancheStatus.PLANNED.value, "due_amount": None},
                "after": {
                    "status": TrancheStatus.DUE if due > 0 else TrancheStatus.WITHHELD,
                    "due_amount": str(due),
                },
            },
        )
    return tranches
