"""Field-level history (django-simple-history, audit app) and the before/after values the
journal keeps for scores, schedules and payments."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import DossierStatus
from applications.tests.factories import CallFactory, DossierFactory
from contracts.models import Contract, ContractYear, Tranche, TrancheStatus
from contracts.services import drafting, lifecycle
from contracts.services.payments import payment_record
from contracts.tests.factories import active_contract, draft_contract, selected_decision
from core.journal import journal_for
from evaluation.services.grid import grid_ensure
from evaluation.services.reviews import review_reopen, review_save, review_submit
from evaluation.tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def test_a_change_made_through_a_page_is_in_the_history_with_its_author(client, administrator):
    decision = selected_decision(decided_by=administrator)
    client.force_login(administrator)

    client.post(reverse("contracts:generate", args=[decision.pk]))

    contract = Contract.objects.get(decision=decision)
    created = contract.history.get()
    assert (created.history_type, created.history_user) == ("+", administrator)
    assert created.status == contract.status


def test_a_profile_change_is_in_the_user_history_without_the_password(client, director):
    client.force_login(director)

    client.post(
        reverse("accounts:profile"),
        {"full_name": "Salma B.", "phone": "", "preferred_language": "fr"},
    )

    latest = director.history.first()
    assert (latest.full_name, latest.history_user) == ("Salma B.", director)
    assert not hasattr(latest, "password")


def test_bulk_written_tranches_and_years_keep_their_history(administrator):
    contract = draft_contract(administrator)
    tranche = contract.tranches.first()
    assert tranche.history.get().history_user == administrator

    drafting.schedule_update(
        actor=administrator,
        contract=contract,
        tranches=[
            {"year": year, "amount": Decimal("100000.00"), "condition": "signature"}
            if year == 1
            else {"year": year, "amount": Decimal("100000.00"), "condition": "report"}
            for year in range(1, contract.years + 1)
        ],
    )

    year_one = ContractYear.objects.get(contract=contract, year=1)
    changes = list(year_one.history.order_by("history_date").values_list("amount", "history_user"))
    assert changes[-1] == (Decimal("100000.00"), administrator.pk)
    assert changes[0][0] != Decimal("100000.00")


def test_cancelled_tranches_keep_their_history(administrator, director):
    contract = active_contract(administrator, director)
    planned = contract.tranches.filter(status=TrancheStatus.PLANNED).first()

    lifecycle.contract_terminate(actor=administrator, contract=contract, reason="Dissolution.")

    latest = Tranche.objects.get(pk=planned.pk).history.first()
    assert (latest.status, latest.history_user) == (TrancheStatus.CANCELLED, administrator)


def test_a_score_change_after_a_reopening_is_journaled_before_and_after(administrator):
    call = CallFactory(
        opens_at=timezone.now() - timedelta(days=60), closes_at=timezone.now() - timedelta(days=1)
    )
    criteria = list(grid_ensure(call=call).criteria.all())
    dossier = DossierFactory(
        call=call, status=DossierStatus.UNDER_EVALUATION, submitted_at=timezone.now()
    )
    assignment = AssignmentFactory(dossier=dossier)
    evaluator = assignment.evaluator

    def score(notes):
        scores = {c.pk: (n, "Justifié.") for c, n in zip(criteria, notes, strict=True)}
        review_save(actor=evaluator, assignment=assignment, scores=scores)
        return review_submit(actor=evaluator, assignment=assignment)

    review = score([4] * 9)
    review_reopen(actor=administrator, review=review, reason="Critère 1 mal lu.")
    score([2] + [4] * 8)

    latest = journal_for(dossier).filter(action="review.submit").first()
    first_label = criteria[0].label
    assert latest.actor == evaluator
    assert latest.data["before"]["total"] == "100.00"
    assert latest.data["before"]["scores"][first_label] == 4
    assert latest.data["after"]["scores"][first_label] == 2
    assert latest.data["after"]["total"] == "92.50"


def test_a_schedule_change_is_journaled_with_the_old_and_new_tranches(administrator):
    contract = draft_contract(administrator)
    old = list(contract.tranches.order_by("year", "position").values_list("amount", flat=True))

    drafting.schedule_update(
        actor=administrator,
        contract=contract,
        tranches=[
            {
                "year": y,
                "amount": Decimal("50000.00"),
                "condition": "signature" if y == 1 else "report",
            }
            for y in range(1, contract.years + 1)
        ],
    )

    entry = journal_for(contract).get(action="contract.schedule_update")
    assert entry.actor == administrator
    assert [line["amount"] for line in entry.data["tranches_before"]] == [str(a) for a in old]
    assert {line["amount"] for line in entry.data["tranches"]} == {"50000.00"}
    assert entry.data["after"] == str(Decimal("50000.00") * contract.years)


def test_a_payment_is_journaled_before_and_after(administrator, director):
    contract = active_contract(administrator, director)
    tranche = contract.tranches.get(year=1, position=1)

    payment_record(
        actor=administrator,
        tranche=tranche,
        paid_on=timezone.localdate(),
        amount=tranche.due_amount,
        reference="VIR-7",
    )

    entry = journal_for(contract).get(action="tranche.pay")
    assert entry.actor == administrator
    assert entry.data["before"] == {"status": "due", "paid_amount": "0.00"}
    assert entry.data["after"] == {"status": "paid", "paid_amount": str(tranche.due_amount)}
    assert tranche.payment.history.get().history_user == administrator
