"""Fuzzing the evaluation's forms: the grid and its criteria, admissibility, assignments and
interests, the evaluator's review, the reopening, the committee's consensus and decisions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from accounts.tests.factories import EvaluatorFactory
from applications.models import BudgetYear, Dossier, DossierStatus
from applications.services.submission import dossier_submit
from applications.tests.builders import complete, draft_for
from applications.tests.factories import CallFactory, DossierFactory
from evaluation.models import AssignmentStatus, Consensus, Decision, Grid, Review
from evaluation.services.grid import grid_ensure
from evaluation.tests.factories import AssignmentFactory, evaluated, submitted_review

from .conftest import fuzz_post, logged_in
from .strategies import hostile_choice, hostile_datetime, hostile_number, hostile_text, mutated

pytestmark = pytest.mark.django_db

DIVERGENT = ([4] * 9, [0] * 9)


@pytest.fixture
def grid(db):
    return grid_ensure(call=CallFactory())


GRID_VALID = {
    "scale_max": "4",
    "scale_labels_fr": "",
    "min_total": "60",
    "criterion_min_percent": "30",
    "divergence_threshold": "20",
    "evaluation_deadline": "2030-06-30T18:00",
}
GRID_HOSTILE = {
    "scale_max": hostile_number(),
    "scale_labels_fr": hostile_text(),
    "min_total": hostile_number(),
    "criterion_min_percent": hostile_number(),
    "divergence_threshold": hostile_number(),
    "evaluation_deadline": hostile_datetime(),
}


@given(data=mutated(GRID_VALID, GRID_HOSTILE))
@example(data={**GRID_VALID, "evaluation_deadline": "0001-01-01T00:00"})
@example(data={**GRID_VALID, "evaluation_deadline": "9999-12-31T23:59"})
@example(data={**GRID_VALID, "scale_labels_fr": "a\x00\nb\nc\nd\ne"})
def test_grid_settings(administrator, grid, data):
    def accepted(response):
        saved = Grid.objects.get(pk=grid.pk)
        assert 1 <= saved.scale_max <= 20
        assert 0 <= saved.min_total <= 100

    url = reverse("evaluation:grid_settings", args=[grid.call_id])
    fuzz_post(logged_in(administrator), url, data, objects=[grid], accepted=accepted)


CRITERION_VALID = {
    "label_fr": "Qualité du partenariat",
    "description_fr": "",
    "weight": "10",
    "min_score": "",
    "position": "1",
}
CRITERION_HOSTILE = {
    "label_fr": hostile_text(),
    "description_fr": hostile_text(),
    "weight": hostile_number(),
    "min_score": hostile_number(),
    "position": hostile_number(),
}


@given(data=mutated(CRITERION_VALID, CRITERION_HOSTILE))
@example(data={**CRITERION_VALID, "min_score": "1e30"})
@example(data={**CRITERION_VALID, "position": "32768"})
def test_criterion_edit_and_add(administrator, grid, data):
    criterion = grid.criteria.first()
    client = logged_in(administrator)
    edit = reverse("evaluation:criterion_edit", args=[grid.call_id, criterion.pk])
    fuzz_post(client, edit, data, objects=[criterion, grid])
    add = reverse("evaluation:criterion_add", args=[grid.call_id])
    fuzz_post(client, add, data, objects=[grid])


@pytest.fixture
def waiting(director):
    """A complete dossier deposited, its call closed: waiting for its admissibility check."""
    dossier = complete(draft_for(director), director)
    dossier_submit(actor=director, dossier=dossier, declaration=True)
    now = timezone.now()
    dossier.call.__class__.objects.filter(pk=dossier.call_id).update(
        opens_at=now - timedelta(days=60), closes_at=now - timedelta(hours=1)
    )
    return Dossier.objects.select_related("call").get(pk=dossier.pk)


@given(
    comment=hostile_text(),
    reason=hostile_text(),
    message=hostile_text(),
    reply_by=hostile_datetime(),
    requirements=st.lists(st.one_of(st.sampled_from(["first"]), hostile_number()), max_size=3),
)
@example(
    comment="", reason="", message="Merci", reply_by="9999-12-31T23:59", requirements=["first"]
)
@example(
    comment="", reason="", message="Merci", reply_by="0001-01-01T00:00", requirements=["first"]
)
def test_admissibility_forms(
    administrator, waiting, comment, reason, message, reply_by, requirements
):
    client = logged_in(administrator)
    first = str(waiting.call.required_documents.first().pk)
    url = lambda name: reverse(f"evaluation:admissibility_{name}", args=[waiting.pk])  # noqa: E731
    chosen = [first if value == "first" else value for value in requirements]
    data = {
        "request-requirements": chosen,
        "request-message": message,
        "request-reply_by": reply_by,
    }
    fuzz_post(client, url("request"), data, objects=[waiting])
    fuzz_post(client, url("reject"), {"inadmissible-reason": reason}, objects=[waiting])
    fuzz_post(client, url("accept"), {"admissible-comment": comment}, objects=[waiting])


@pytest.fixture
def admissible(db):
    now = timezone.now()
    call = CallFactory(opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=1))
    grid_ensure(call=call)
    return DossierFactory(
        call=call, status=DossierStatus.ADMISSIBLE, submitted_at=now - timedelta(days=2)
    )


@given(evaluator=st.one_of(st.just("valid"), hostile_number()), reason=hostile_text())
def test_assignment_forms(administrator, admissible, evaluator, reason):
    other = EvaluatorFactory()
    assignment = AssignmentFactory(dossier=admissible, evaluator=EvaluatorFactory())
    client = logged_in(administrator)
    add = reverse("evaluation:assignment_add", args=[admissible.call_id, admissible.pk])
    fuzz_post(
        client,
        add,
        {"evaluator": str(other.pk) if evaluator == "valid" else evaluator},
        objects=[admissible],
    )
    remove = reverse("evaluation:assignment_remove", args=[assignment.pk])
    fuzz_post(client, remove, {"reason": reason}, objects=[assignment])


@pytest.fixture
def awaiting(evaluator, admissible):
    return AssignmentFactory(
        dossier=admissible, evaluator=evaluator, status=AssignmentStatus.AWAITING_DECLARATION
    )


@given(decision=hostile_choice(["none", "conflict"]), statement=hostile_text())
def test_interests_declaration(evaluator, awaiting, decision, statement):
    url = reverse("evaluation:declare", args=[awaiting.pk])
    data = {"decision": decision, "statement": statement}
    fuzz_post(logged_in(evaluator), url, data, objects=[awaiting])


@pytest.fixture
def assignment(director, evaluator):
    dossier = complete(draft_for(director), director)
    dossier_submit(actor=director, dossier=dossier, declaration=True)
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_EVALUATION)
    grid = grid_ensure(call=dossier.call)
    grid.evaluation_deadline = timezone.now() + timedelta(days=10)
    grid.save()
    return AssignmentFactory(dossier_id=dossier.pk, evaluator=evaluator)


@given(
    scores=st.lists(
        st.tuples(
            st.one_of(st.sampled_from(["0", "4", ""]), hostile_number()), hostile_text(max_size=500)
        ),
        min_size=9,
        max_size=9,
    ),
    comment=hostile_text(),
    action=hostile_choice(["save", "submit"]),
)
@example(scores=[("4", "Bien")] * 9, comment="", action="save")
def test_review_form(evaluator, assignment, scores, comment, action):
    criteria = list(Grid.objects.get(call=assignment.dossier.call).criteria.all())
    data = {"action": action, "comment": comment}
    for criterion, (value, justification) in zip(criteria, scores, strict=False):
        data[f"score_{criterion.pk}"] = value
        data[f"justification_{criterion.pk}"] = justification

    def accepted(response):
        for review in Review.objects.filter(assignment=assignment):
            assert "\x00" not in review.comment
            for score in review.scores.all():
                assert 0 <= score.value <= 4

    url = reverse("evaluation:review", args=[assignment.pk])
    fuzz_post(logged_in(evaluator), url, data, objects=[assignment], accepted=accepted)


@given(reason=hostile_text())
def test_review_reopening(administrator, evaluator, assignment, reason):
    review = (
        submitted_review(assignment, [3] * 9)
        if not Review.objects.filter(assignment=assignment).exists()
        else Review.objects.get(assignment=assignment)
    )
    ask = reverse("evaluation:review_reopen_request", args=[assignment.pk])
    fuzz_post(logged_in(evaluator), ask, {"reason": reason}, objects=[review])
    reopen = reverse("evaluation:review_reopen", args=[review.pk])
    fuzz_post(logged_in(administrator), reopen, {"reason": reason}, objects=[review])


@pytest.fixture
def ranked(db):
    now = timezone.now()
    call = CallFactory(
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=1),
        budget_envelope=Decimal("20000000"),
    )
    grid_ensure(call=call)
    dossier = DossierFactory(
        call=call, status=DossierStatus.UNDER_EVALUATION, submitted_at=now - timedelta(minutes=10)
    )
    BudgetYear.objects.bulk_create(
        BudgetYear(
            dossier=dossier,
            year=year,
            animation_budget=Decimal("2000000"),
            subsidy_requested=Decimal("2000000"),
        )
        for year in range(1, 6)
    )
    return evaluated(dossier, *DIVERGENT)


@given(
    data=mutated(
        {"score": "70", "justification": "Arbitrage du comité."},
        {"score": hostile_number(), "justification": hostile_text()},
        max_changes=1,
    ),
    outcome=hostile_choice(Decision.Outcome.values),
)
@example(data={"score": "sNaN", "justification": "Arbitrage"}, outcome="selected")
@example(data={"score": "1e30", "justification": "Arbitrage"}, outcome="selected")
def test_consensus_and_decision(committee_member, administrator, ranked, data, outcome):
    def accepted(response):
        for consensus in Consensus.objects.filter(dossier=ranked):
            assert 0 <= consensus.score <= 100

    consensus = reverse("evaluation:consensus", args=[ranked.pk])
    fuzz_post(
        logged_in(committee_member),
        consensus,
        data,
        objects=[ranked],
        accepted=accepted,
    )
    decision = reverse("evaluation:decision", args=[ranked.pk])
    for person in (committee_member, administrator):
        fuzz_post(logged_in(person), decision, {"outcome": outcome}, objects=[ranked])
