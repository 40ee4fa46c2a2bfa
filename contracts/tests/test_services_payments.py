"""Disbursements: one payment per due tranche, never above what is due, never in the future."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from contracts.models import Contract, Payment, Tranche, TrancheStatus
from contracts.selectors import committed_under, with_totals
from contracts.services import lifecycle
from contracts.services.payments import payment_record
from contracts.services.reports import report_approve
from contracts.tests.factories import active_contract, filed_report
from core.errors import ApplicationError
from core.journal import journal_for
from core.models import OutgoingMail

pytestmark = pytest.mark.django_db


def pay(administrator, tranche, amount=None, paid_on=None, reference="VIR-2026-0001"):
    return payment_record(
        actor=administrator,
        tranche=tranche,
        paid_on=paid_on or timezone.localdate(),
        amount=tranche.due_amount if amount is None else amount,
        reference=reference,
    )


@pytest.fixture
def contract(administrator, director):
    return active_contract(administrator, director)


def test_a_due_tranche_is_paid_once_and_the_cluster_is_told(administrator, director, contract):
    tranche = contract.tranches.get(year=1, position=1)
    yesterday = timezone.localdate() - timedelta(days=1)
    # Due since last week: the transfer went out yesterday.
    Tranche.objects.filter(pk=tranche.pk).update(due_at=timezone.now() - timedelta(days=7))

    payment = pay(administrator, tranche, paid_on=yesterday, reference="  VIR-2026-0042 ")

    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.PAID
    assert (payment.amount, payment.paid_on, payment.reference) == (
        Decimal("1200000.00"),
        yesterday,
        "VIR-2026-0042",
    )
    assert payment.recorded_by == administrator
    entry = journal_for(contract).get(action="tranche.pay")
    assert entry.data["amount"] == "1200000.00" and entry.data["reference"] == "VIR-2026-0042"
    mails = OutgoingMail.objects.filter(template="payment_recorded")
    assert list(mails.values_list("to", flat=True)) == [director.email]
    totals = with_totals(Contract.objects.filter(pk=contract.pk)).get()
    assert (totals.subsidy_total, totals.paid_total) == (Decimal("10000000"), Decimal("1200000"))

    with pytest.raises(ApplicationError) as error:
        pay(administrator, tranche, reference="VIR-2026-0043")
    assert error.value.code == "paid"
    assert Payment.objects.count() == 1
    assert mails.count() == 1


def test_a_payment_above_what_is_due_is_refused(administrator, contract):
    tranche = contract.tranches.get(year=1, position=1)

    with pytest.raises(ApplicationError) as error:
        pay(administrator, tranche, amount=Decimal("1200000.01"))

    assert error.value.field == "amount"
    assert "1 200 000,00" in " ".join(error.value.message.split())
    assert not Payment.objects.exists()


def test_a_reduced_tranche_is_paid_at_most_its_reduced_amount(administrator, director, contract):
    report_approve(actor=administrator, report=filed_report(contract, director, year=1))
    report_approve(
        actor=administrator, report=filed_report(contract, director, year=2, share=Decimal("0.4"))
    )
    tranche = contract.tranches.get(year=2, position=2)
    assert tranche.due_amount == Decimal("228000.00")

    with pytest.raises(ApplicationError):
        pay(administrator, tranche, amount=tranche.amount)
    payment = pay(administrator, tranche)

    assert payment.amount == Decimal("228000.00")
    assert committed_under(contract.call) == Decimal("10000000") - Decimal("572000")


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1")])
def test_a_payment_must_be_positive(administrator, contract, amount):
    with pytest.raises(ApplicationError) as error:
        pay(administrator, contract.tranches.get(year=1, position=1), amount=amount)

    assert error.value.field == "amount"


def test_a_tranche_is_not_paid_before_its_condition_is_met(administrator, contract):
    for tranche in contract.tranches.exclude(year=1, position=1):
        with pytest.raises(ApplicationError) as error:
            pay(administrator, tranche, amount=tranche.amount)
        assert error.value.code == "not_due"
    assert not Payment.objects.exists()


def test_a_withheld_or_cancelled_tranche_is_never_paid(administrator, director, contract):
    lifecycle.contract_terminate(actor=administrator, contract=contract, reason="Fin anticipée")
    cancelled = contract.tranches.get(year=1, position=2)
    assert cancelled.status == TrancheStatus.CANCELLED

    with pytest.raises(ApplicationError) as error:
        pay(administrator, cancelled, amount=cancelled.amount)
    assert error.value.code == "not_due"
    # What was due before the termination stays payable.
    assert pay(administrator, contract.tranches.get(year=1, position=1))


def test_a_payment_is_not_dated_in_the_future(administrator, contract):
    tranche = contract.tranches.get(year=1, position=1)

    with pytest.raises(ApplicationError) as error:
        pay(administrator, tranche, paid_on=timezone.localdate() + timedelta(days=1))

    assert error.value.field == "paid_on"
    assert pay(administrator, tranche, paid_on=timezone.localdate())


def test_a_payment_needs_a_reference(administrator, contract):
    with pytest.raises(ApplicationError) as error:
        pay(administrator, contract.tranches.get(year=1, position=1), reference="  ")

    assert error.value.field == "reference"
    assert not Payment.objects.exists()


def test_only_an_administrator_records_a_payment(director, contract):
    with pytest.raises(ApplicationError) as error:
        pay(director, contract.tranches.get(year=1, position=1))

    assert error.value.code == "forbidden"


def test_a_tranche_is_paid_in_full_and_not_before_it_was_due(administrator, director):
    contract = active_contract(administrator, director)
    tranche = contract.tranches.get(year=1, position=1)

    with pytest.raises(ApplicationError) as partial:
        payment_record(
            actor=administrator,
            tranche=tranche,
            paid_on=timezone.localdate(),
            amount=Decimal("1.00"),
            reference="VIR-1",
        )
    assert partial.value.field == "amount"
    with pytest.raises(ApplicationError) as early:
        payment_record(
            actor=administrator,
            tranche=tranche,
            paid_on=timezone.localdate() - timedelta(days=30),
            amount=tranche.due_amount,
            reference="VIR-1",
        )
    assert early.value.field == "paid_on"
    assert Tranche.objects.get(pk=tranche.pk).status == "due"
