from decimal import Decimal

from contracts.models import ContractStatus, TrancheStatus
from contracts.services.reports import report_approve
from contracts.tests.factories import active_contract, filed_report


def test_a_contract_goes_from_generation_to_its_first_approved_report(administrator, director):
    contract = active_contract(administrator, director)
    assert contract.status == ContractStatus.ACTIVE
    report = report_approve(actor=administrator, report=filed_report(contract, director))
    assert report.achievement_rate == Decimal("100.00")
    due = contract.tranches.filter(status=TrancheStatus.DUE).order_by("year", "position")
    assert [(t.year, t.position, t.due_amount) for t in due] == [
        (1, 1, Decimal("1200000.00")),
        (1, 2, Decimal("800000.00")),
        (2, 1, Decimal("1200000.00")),
    ]
