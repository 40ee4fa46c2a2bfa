"""A subsidy tranche's life: planned, then due (or withheld) when its condition is met, paid,
or cancelled when the contract ends before it was ever due."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from core.states import StateMachine

from ..models import (
    AnnualReport,
    Contract,
    Tranche,
    TrancheCondition,
    TrancheStatus,
)
from ..payouts import released_by, tranche_due_amount

if TYPE_CHECKING:
    from accounts.models import User

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
