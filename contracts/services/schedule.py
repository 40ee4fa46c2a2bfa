"""The subsidy schedule's arithmetic, shared by generation and drafting: the years and their
report dates, the default tranches, and the call's envelope that all contracts stay within."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from applications.models import Call
from core.errors import ApplicationError
from core.templatetags.portal import mad

from ..defaults import default_tranches
from ..models import Contract, ContractYear, Tranche
from ..selectors import committed_under

# Days after the end of a contract year by which its annual report is expected.
REPORT_GRACE_DAYS = 30


def _years_later(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def report_due_on(start: date, year: int) -> date:
    return _years_later(start, year) + timedelta(days=REPORT_GRACE_DAYS)


def ensure_within_envelope(call: Call, contract: Contract | None, total: Decimal) -> None:
    """The call's row must be locked by the caller: two contracts changed at the same time are
    checked one after the other, so the second one sees the first one's commitment."""
    committed = committed_under(call, excluding=contract) + total
    if committed > call.budget_envelope:
        raise ApplicationError(
            _(
                "Les contrats de cet appel engageraient %(total)s pour une enveloppe de "
                "%(envelope)s (dépassement de %(excess)s)."
            )
            % {
                "total": mad(committed),
                "envelope": mad(call.budget_envelope),
                "excess": mad(committed - call.budget_envelope),
            },
            code="envelope",
        )


def schedule_rows(
    contract: Contract, amounts: Iterable[Decimal]
) -> tuple[list[ContractYear], list[Tranche]]:
    """The unsaved years and default tranches of a contract, one yearly amount per year."""
    years, tranches = [], []
    for year, amount in enumerate(amounts, start=1):
        years.append(
            ContractYear(
                contract=contract,
                year=year,
                amount=amount,
                report_due_on=report_due_on(contract.start_date, year),
            )
        )
        tranches += [
            Tranche(
                contract=contract, year=year, position=position, amount=part, condition=condition
            )
            for position, (part, condition) in enumerate(default_tranches(year, amount), start=1)
        ]
    return years, tranches


def _ensure_plausible_start(start: date) -> None:
    if start is None or not 2000 <= start.year <= 2100:
        raise ApplicationError(
            _("La date de prise d'effet doit être comprise entre 2000 et 2100."),
            field="start_date",
        )
