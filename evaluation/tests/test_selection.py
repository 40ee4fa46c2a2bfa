import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import CommitteeMemberFactory
from applications.models import BudgetYear, CallStatus, DossierStatus
from applications.tests.factories import CallFactory, DossierFactory
from core import caching
from core.errors import ApplicationError
from core.models import JournalEntry
from evaluation.models import Consensus, Decision
from evaluation.selectors.publication import publication_blockers
from evaluation.services.grid import grid_ensure
from evaluation.services.selection import consensus_record, decision_set, results_publish
from evaluation.tests.factories import evaluated

ALL_FOUR = [4] * 9  # 100 / 100
ALL_THREE = [3] * 9  # 75 / 100
ALL_TWO = [2] * 9  # 50 / 100: under the 60 minimum
SELECTED = Decision.Outcome.SELECTED
WAITING_LIST = Decision.Outcome.WAITING_LIST
REJECTED = Decision.Outcome.REJECTED


def closed_call(**fields):
    """A call closed yesterday, with the ministry's default grid."""
    now = timezone.now()
    fields = {"budget_envelope": Decimal("20000000"), **fields}
    call = CallFactory(
        opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=1), **fields
    )
    grid_ensure(call=call)
    return call


def ranked_dossier(call, *note_rows, minutes_ago=10, annual=Decimal("2000000"), **fields):
    """A dossier under evaluation asking `annual` a year over 5 years, with one submitted
    review per row of notes."""
    dossier = DossierFactory(
        call=call,
        status=DossierStatus.UNDER_EVALUATION,
        submitted_at=timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    )
    BudgetYear.objects.bulk_create(
        BudgetYear(dossier=dossier, year=year, animation_budget=annual, subsidy_requested=annual)
        for year in range(1, 6)
    )
    return evaluated(dossier, *note_rows)


def words(text):
    """The message with every kind of space (thin, non-breaking…) as one plain space."""
    return " ".join(text.split())


@pytest.fixture
def call(db):
    return closed_call()


# Consensus


@pytest.mark.django_db
def test_consensus_is_refused_when_the_reviews_agree(call, committee_member):
    dossier = ranked_dossier(call, ALL_THREE, ALL_THREE)

    with pytest.raises(ApplicationError) as refused:
        consensus_record(
            actor=committee_member, dossier=dossier, score=Decimal("70"), justification="Arbitrage"
        )

    assert refused.value.code == "not_divergent"
    assert "15 points" in refused.value.message
    assert not Consensus.objects.exists()


@pytest.mark.django_db
def test_consensus_needs_two_submitted_reviews(call, committee_member):
    dossier = ranked_dossier(call, ALL_FOUR)

    with pytest.raises(ApplicationError, match="au moins deux évaluations"):
        consensus_record(
            actor=committee_member, dossier=dossier, score=Decimal("70"), justification="Arbitrage"
        )


@pytest.mark.django_db
def test_consensus_on_a_divergent_dossier_is_recorded_journaled_and_can_be_revised(
    call, committee_member, administrator
):
    dossier = ranked_dossier(call, ALL_FOUR, ALL_TWO)  # 100 and 50: spread 50

    consensus_record(
        actor=committee_member, dossier=dossier, score=Decimal("72.5"), justification="Arbitrage"
    )
    consensus_record(
        actor=administrator, dossier=dossier, score=Decimal("68"), justification="Revu en séance"
    )

    consensus = Consensus.objects.get(dossier=dossier)
    assert consensus.score == Decimal("68")
    assert consensus.decided_by == administrator
    entries = JournalEntry.objects.filter(action="consensus.record", object_id=dossier.pk)
    assert [entry.data["score"] for entry in entries.order_by("pk")] == ["72.5", "68"]
    assert entries.order_by("pk").last().data["previous"] == "72.50"


@pytest.mark.django_db
def test_consensus_needs_a_justification_and_a_score_out_of_100(call, committee_member):
    dossier = ranked_dossier(call, ALL_FOUR, ALL_TWO)

    with pytest.raises(ApplicationError) as no_reason:
        consensus_record(
            actor=committee_member, dossier=dossier, score=Decimal("70"), justification="  "
        )
    with pytest.raises(ApplicationError) as too_high:
        consensus_record(
            actor=committee_member, dossier=dossier, score=Decimal("101"), justification="Oui"
        )

    assert no_reason.value.field == "justification"
    assert too_high.value.field == "score"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["director", "evaluator"])
def test_consensus_is_the_committees_business(call, role, request):
    dossier = ranked_dossier(call, ALL_FOUR, ALL_TWO)

    with pytest.raises(ApplicationError) as refused:
        consensus_record(
            actor=request.getfixturevalue(role),
            dossier=dossier,
            score=Decimal("70"),
            justification="Arbitrage",
        )

    assert refused.value.code == "forbidden"


# Decisions


@pytest.mark.django_db
def test_selecting_moves_the_dossier_and_records_the_subsidy_over_the_contract(
    call, committee_member
):
    dossier = ranked_dossier(call, ALL_THREE, ALL_THREE)

    decision = decision_set(actor=committee_member, dossier=dossier, outcome=SELECTED)

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SELECTED
    assert decision.subsidy_total == Decimal("10000000")
    assert decision.decided_by == committee_member
    assert JournalEntry.objects.filter(action="dossier.select", object_id=dossier.pk).exists()


@pytest.mark.django_db
def test_selection_past_the_envelope_is_refused_with_the_figures(call, committee_member):
    first, second, third = (
        ranked_dossier(call, ALL_THREE, ALL_THREE, minutes_ago=minutes) for minutes in (30, 20, 10)
    )
    decision_set(actor=committee_member, dossier=first, outcome=SELECTED)
    decision_set(actor=committee_member, dossier=second, outcome=SELECTED)

    with pytest.raises(ApplicationError) as refused:
        decision_set(actor=committee_member, dossier=third, outcome=SELECTED)

    assert refused.value.code == "envelope"
    assert words(refused.value.message) == (
        "Retenir ce dossier porterait les engagements à 30 000 000,00 MAD pour une enveloppe "
        "de 20 000 000,00 MAD (dépassement de 10 000 000,00 MAD)."
    )
    third.refresh_from_db()
    assert third.status == DossierStatus.UNDER_EVALUATION
    assert not Decision.objects.filter(dossier=third).exists()


@pytest.mark.django_db
def test_a_selection_fits_again_once_another_one_is_withdrawn(call, committee_member):
    first, second, third = (
        ranked_dossier(call, ALL_THREE, ALL_THREE, minutes_ago=minutes) for minutes in (30, 20, 10)
    )
    decision_set(actor=committee_member, dossier=first, outcome=SELECTED)
    decision_set(actor=committee_member, dossier=second, outcome=SELECTED)
    decision_set(actor=committee_member, dossier=third, outcome=WAITING_LIST)

    decision_set(actor=committee_member, dossier=second, outcome=REJECTED)
    decision_set(actor=committee_member, dossier=third, outcome=SELECTED)
    # Selecting again what is already selected changes nothing and is not counted twice.
    decision_set(actor=committee_member, dossier=third, outcome=SELECTED)

    assert dict(Decision.objects.values_list("dossier_id", "outcome")) == {
        first.pk: SELECTED,
        second.pk: REJECTED,
        third.pk: SELECTED,
    }
    second.refresh_from_db()
    assert second.status == DossierStatus.REJECTED


@pytest.mark.django_db
def test_exactly_the_envelope_is_allowed(committee_member):
    call = closed_call(budget_envelope=Decimal("10000000"))
    dossier = ranked_dossier(call, ALL_THREE)

    decision = decision_set(actor=committee_member, dossier=dossier, outcome=SELECTED)

    assert decision.outcome == SELECTED


@pytest.mark.django_db
def test_an_ineligible_dossier_cannot_be_selected_but_can_be_rejected(call, committee_member):
    weak = ranked_dossier(call, ALL_TWO, ALL_TWO)
    notes = [4] * 9
    notes[0] = 1  # 25 % of the maximum on one criterion: under the 40 % minimum
    one_weak_criterion = ranked_dossier(call, notes, notes)

    with pytest.raises(ApplicationError) as below_total:
        decision_set(actor=committee_member, dossier=weak, outcome=SELECTED)
    with pytest.raises(ApplicationError) as below_criterion:
        decision_set(actor=committee_member, dossier=one_weak_criterion, outcome=SELECTED)
    decision_set(actor=committee_member, dossier=weak, outcome=REJECTED)

    assert below_total.value.code == "ineligible"
    assert "minimum de 60 / 100" in below_total.value.message
    assert "critère" in below_criterion.value.message
    weak.refresh_from_db()
    assert weak.status == DossierStatus.REJECTED


@pytest.mark.django_db
def test_a_consensus_can_make_a_dossier_eligible(call, committee_member):
    dossier = ranked_dossier(call, ALL_THREE, [1] * 9)  # 75 and 25: mean 50, spread 50
    with pytest.raises(ApplicationError):
        decision_set(actor=committee_member, dossier=dossier, outcome=SELECTED)

    consensus_record(
        actor=committee_member, dossier=dossier, score=Decimal("65"), justification="Arbitrage"
    )

    assert decision_set(actor=committee_member, dossier=dossier, outcome=SELECTED).pk


@pytest.mark.django_db
def test_no_decision_before_the_call_closes(committee_member):
    call = closed_call()
    call.closes_at = timezone.now() + timedelta(days=1)
    call.save()
    dossier = ranked_dossier(call, ALL_THREE)

    with pytest.raises(ApplicationError) as refused:
        decision_set(actor=committee_member, dossier=dossier, outcome=REJECTED)

    assert refused.value.code == "not_closed"


@pytest.mark.django_db
def test_no_decision_on_a_dossier_not_under_evaluation(call, committee_member):
    # Still waiting for its admissibility check: nothing to decide yet.
    dossier = DossierFactory(call=call, status=DossierStatus.SUBMITTED, submitted_at=timezone.now())

    with pytest.raises(ApplicationError) as refused:
        decision_set(actor=committee_member, dossier=dossier, outcome=REJECTED)

    assert refused.value.code == "not_decidable"


@pytest.mark.django_db
def test_an_unknown_outcome_is_refused(call, committee_member):
    dossier = ranked_dossier(call, ALL_THREE)

    with pytest.raises(ApplicationError):
        decision_set(actor=committee_member, dossier=dossier, outcome="maybe")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("director", False),
        ("evaluator", False),
        ("committee_member", True),
        ("administrator", True),
    ],
)
def test_who_may_decide(call, role, allowed, request):
    dossier = ranked_dossier(call, ALL_THREE)
    actor = request.getfixturevalue(role)

    if allowed:
        assert decision_set(actor=actor, dossier=dossier, outcome=WAITING_LIST).pk
    else:
        with pytest.raises(ApplicationError) as refused:
            decision_set(actor=actor, dossier=dossier, outcome=WAITING_LIST)
        assert refused.value.code == "forbidden"


# Publication


@pytest.mark.django_db
def test_publication_is_refused_while_a_decision_is_missing(call, committee_member, administrator):
    decided = ranked_dossier(call, ALL_THREE, minutes_ago=20)
    undecided = ranked_dossier(call, ALL_THREE, minutes_ago=10)
    decision_set(actor=committee_member, dossier=decided, outcome=SELECTED)

    with pytest.raises(ApplicationError) as refused:
        results_publish(actor=administrator, call=call)

    assert refused.value.code == "missing_decisions"
    assert undecided.reference in refused.value.message
    assert decided.reference not in refused.value.message
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED


@pytest.mark.django_db
def test_publication_refusal_names_the_dossiers_awaiting_admissibility(
    call, committee_member, administrator
):
    decided = ranked_dossier(call, ALL_THREE)
    decision_set(actor=committee_member, dossier=decided, outcome=SELECTED)
    waiting = DossierFactory(call=call, status=DossierStatus.SUBMITTED, submitted_at=timezone.now())

    blockers = publication_blockers(call)
    with pytest.raises(ApplicationError) as refused:
        results_publish(actor=administrator, call=call)

    assert [blocker.code for blocker in blockers] == ["awaiting_admissibility"]
    assert [dossier.reference for dossier in blockers[0].dossiers] == [waiting.reference]
    assert refused.value.code == "awaiting_admissibility"
    assert waiting.reference in refused.value.message
    assert decided.reference not in refused.value.message


@pytest.mark.django_db
def test_nothing_blocks_a_call_whose_every_dossier_is_decided(call, committee_member):
    decision_set(actor=committee_member, dossier=ranked_dossier(call, ALL_THREE), outcome=SELECTED)

    assert publication_blockers(call) == []


@pytest.mark.django_db
def test_publication_is_for_administrators(call, committee_member):
    dossier = ranked_dossier(call, ALL_THREE)
    decision_set(actor=committee_member, dossier=dossier, outcome=SELECTED)

    with pytest.raises(ApplicationError) as refused:
        results_publish(actor=committee_member, call=call)

    assert refused.value.code == "forbidden"


@pytest.mark.django_db
def test_publication_freezes_the_decisions(
    call, committee_member, administrator, django_capture_on_commit_callbacks
):
    dossier = ranked_dossier(call, ALL_THREE)
    decision_set(actor=committee_member, dossier=dossier, outcome=SELECTED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        results_publish(actor=administrator, call=call)

    call.refresh_from_db()
    assert call.status == CallStatus.RESULTS_PUBLISHED
    entry = JournalEntry.objects.get(action="results.publish", object_id=call.pk)
    assert entry.data == {"ranked": 1, "selected": 1, "committed": "10000000.00"}
    # The letters, rendered once the publication is committed (beside the renewal of the
    # visitors' cached pages, which list the selected clusters).
    others = [c for c in callbacks if getattr(c, "func", None) is not caching._new_versions]
    assert len(others) == 1
    with pytest.raises(ApplicationError) as refused:
        decision_set(actor=committee_member, dossier=dossier, outcome=REJECTED)
    assert refused.value.code == "published"
    with pytest.raises(ApplicationError):
        results_publish(actor=administrator, call=call)
    with pytest.raises(ApplicationError):
        consensus_record(
            actor=committee_member, dossier=dossier, score=Decimal("1"), justification="Non"
        )


# Two committee members selecting at the same instant


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no row locks to test: PostgreSQL only"
)
def test_two_simultaneous_selections_cannot_both_pass_the_envelope():
    call = closed_call(budget_envelope=Decimal("15000000"))
    first = ranked_dossier(call, ALL_THREE, minutes_ago=20)
    second = ranked_dossier(call, ALL_THREE, minutes_ago=10)
    members = [CommitteeMemberFactory(), CommitteeMemberFactory()]
    start = threading.Barrier(2)
    outcomes = {}

    def select(actor, dossier):
        try:
            start.wait(timeout=10)
            decision_set(actor=actor, dossier=dossier, outcome=SELECTED)
            outcomes[dossier.pk] = "selected"
        except ApplicationError as error:
            outcomes[dossier.pk] = error.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=select, args=(actor, dossier))
        for actor, dossier in zip(members, (first, second), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["envelope", "selected"]
    assert Decision.objects.filter(outcome=SELECTED).count() == 1
