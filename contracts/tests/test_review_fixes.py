"""Holes a review found in the contracts, each closed and kept closed."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import ContractStatus, ReportStatus, Tranche, TrancheCondition
from contracts.services import generation, lifecycle, payments, reports
from contracts.tests.factories import active_contract, draft_contract, filed_report
from core.errors import ApplicationError


def test_a_draft_terminated_before_it_was_sent_stays_hidden_from_the_cluster(
    client, administrator, director
):
    contract = draft_contract(administrator, director=director)
    lifecycle.contract_terminate(actor=administrator, contract=contract, reason="Erreur de saisie")
    client.force_login(director)

    assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 404
    assert (
        client.get(reverse("contracts:version_download", args=[contract.pk, 1])).status_code == 404
    )


def test_a_contract_terminated_after_it_was_sent_stays_readable_by_the_cluster(
    client, administrator, director
):
    contract = draft_contract(administrator, director=director)
    contract = lifecycle.contract_send(actor=administrator, contract=contract)
    lifecycle.contract_terminate(actor=administrator, contract=contract, reason="Renonciation")
    client.force_login(director)

    assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 200


def test_closing_waits_for_every_years_report(administrator, director):
    contract = active_contract(administrator, director, amounts=[Decimal("1000000")] * 5)
    for year in range(1, 6):
        filed_report(contract, director, year=year)
    last = contract.reports.get(year=5)
    reports.report_approve(actor=administrator, report=last)

    with pytest.raises(ApplicationError) as error:
        lifecycle.contract_close(actor=administrator, contract=contract)
    assert error.value.code == "last_report"
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    assert contract.reports.filter(status=ReportStatus.SUBMITTED).count() == 4


def test_the_first_year_cannot_wait_for_a_previous_report(administrator):
    contract = draft_contract(administrator, amounts=[Decimal("1000000")] * 5)
    lines = [
        {"year": t.year, "amount": t.amount, "condition": t.condition}
        for t in contract.tranches.all()
    ]
    lines[0]["condition"] = TrancheCondition.PREVIOUS_REPORT

    with pytest.raises(ApplicationError) as error:
        generation.schedule_update(actor=administrator, contract=contract, tranches=lines)
    assert error.value.field == "condition"


@pytest.mark.parametrize("start", [date(9999, 12, 31), date(1900, 1, 1)])
def test_an_implausible_start_date_is_refused_with_a_message(administrator, start):
    contract = draft_contract(administrator)

    with pytest.raises(ApplicationError) as error:
        generation.contract_update(
            actor=administrator, contract=contract, fields={"start_date": start}
        )
    assert error.value.field == "start_date"


def test_a_tranche_is_paid_in_full_and_not_before_it_was_due(administrator, director):
    contract = active_contract(administrator, director)
    tranche = contract.tranches.get(year=1, position=1)

    with pytest.raises(ApplicationError) as partial:
        payments.payment_record(
            actor=administrator,
            tranche=tranche,
            paid_on=timezone.localdate(),
            amount=Decimal("1.00"),
            reference="VIR-1",
        )
    assert partial.value.field == "amount"
    with pytest.raises(ApplicationError) as early:
        payments.payment_record(
            actor=administrator,
            tranche=tranche,
            paid_on=timezone.localdate() - timedelta(days=30),
            amount=tranche.due_amount,
            reference="VIR-1",
        )
    assert early.value.field == "paid_on"
    assert Tranche.objects.get(pk=tranche.pk).status == "due"


def test_an_empty_post_on_the_report_page_is_answered_without_error(
    client, administrator, director
):
    contract = active_contract(administrator, director)
    client.force_login(director)

    response = client.post(reverse("contracts:report", args=[contract.pk, 1]), {})

    assert response.status_code in (200, 302)
