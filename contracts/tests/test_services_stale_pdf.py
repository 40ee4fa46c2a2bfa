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


def test_a_draft_edited_after_its_last_pdf_is_not_sent_until_a_new_version(administrator):
    import pytest

    from contracts.services import drafting, lifecycle
    from contracts.tests.factories import draft_contract, render_versions
    from core.errors import ApplicationError

    contract = draft_contract(administrator)
    lines = [
        {"year": t.year, "amount": t.amount, "condition": t.condition}
        for t in contract.tranches.all()
    ]
    lines[0]["amount"] -= Decimal("100000")
    drafting.schedule_update(actor=administrator, contract=contract, tranches=lines)

    with pytest.raises(ApplicationError) as error:
        lifecycle.contract_send(actor=administrator, contract=contract)
    assert error.value.code == "stale_pdf"
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT

    lifecycle.version_request(actor=administrator, contract=contract, language="fr")
    render_versions(contract)
    sent = lifecycle.contract_send(actor=administrator, contract=contract)
    assert sent.status == ContractStatus.SENT
