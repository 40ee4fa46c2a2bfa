from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import AdministratorFactory, EvaluatorFactory
from applications.models import DossierStatus
from applications.tests.factories import CallFactory, DossierFactory
from core.errors import ApplicationError
from core.journal import journal_for
from evaluation.models import (
    AssignmentStatus,
    Grid,
    Review,
    ReviewStatus,
    ReviewSummary,
    Score,
)
from evaluation.services.grid import criterion_save, grid_ensure, grid_update
from evaluation.services.reviews import (
    review_reopen,
    review_reopen_request,
    review_save,
    review_submit,
    reviews_remind,
)
from evaluation.tasks import evaluation_reminders
from evaluation.tests.factories import AssignmentFactory

MIXED = [4, 3, 2, 1, 0, 4, 3, 2, 1]  # weights 15 15 20 15 10 10 5 5 5: 230 / 4 = 57.50


@pytest.fixture
def call():
    call = CallFactory(
        closes_at=timezone.now() - timedelta(days=1), opens_at=timezone.now() - timedelta(days=60)
    )
    grid_ensure(call=call)
    return call


def _assign(call=None, **fields):
    """An assignment on a new dossier under evaluation (submitted, as the dossier must be)."""
    dossier = DossierFactory(
        status=DossierStatus.UNDER_EVALUATION,
        submitted_at=timezone.now() - timedelta(days=2),
        **({"call": call} if call else {}),
    )
    return AssignmentFactory(dossier=dossier, **fields)


@pytest.fixture
def assignment(call, evaluator):
    return _assign(call, evaluator=evaluator)


def _criteria(assignment):
    return list(assignment.dossier.call.grid.criteria.all())


def _scores(assignment, notes, justification="Argumenté par le dossier."):
    return {
        criterion.pk: (note, justification)
        for criterion, note in zip(_criteria(assignment), notes, strict=True)
    }


def _score_and_submit(assignment, notes):
    review_save(
        actor=assignment.evaluator, assignment=assignment, scores=_scores(assignment, notes)
    )
    return review_submit(actor=assignment.evaluator, assignment=assignment)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("notes", "total"),
    [([4] * 9, Decimal("100.00")), ([0] * 9, Decimal("0.00")), (MIXED, Decimal("57.50"))],
)
def test_the_total_is_weighted_out_of_100(assignment, notes, total):
    review = _score_and_submit(assignment, notes)

    review.refresh_from_db()
    assert review.total == total


@pytest.mark.django_db
@pytest.mark.parametrize(("note", "total"), [(1, Decimal("33.33")), (2, Decimal("66.67"))])
def test_thirds_are_rounded_to_the_centime(assignment, administrator, note, total):
    grid_update(actor=administrator, grid=assignment.dossier.call.grid, scale_max=3)

    review = _score_and_submit(assignment, [note] * 9)

    review.refresh_from_db()
    assert review.total == total


@pytest.mark.django_db
def test_a_partial_draft_is_kept_then_submitted(assignment, evaluator):
    first, second, *_rest = _criteria(assignment)

    review = review_save(
        actor=evaluator,
        assignment=assignment,
        scores={first.pk: (3, "Bonne vision."), second.pk: (2, "")},
        comment="À compléter.",
    )

    assert review.status == ReviewStatus.DRAFT
    assert review.total is None
    assert {(s.criterion_id, s.value, s.justification) for s in review.scores.all()} == {
        (first.pk, 3, "Bonne vision."),
        (second.pk, 2, ""),
    }

    review_save(actor=evaluator, assignment=assignment, scores={second.pk: (None, "")})
    assert list(review.scores.values_list("criterion", flat=True)) == [first.pk]

    submitted = _score_and_submit(assignment, [4] * 9)
    assert submitted.pk == review.pk
    assert submitted.status == ReviewStatus.SUBMITTED
    assert submitted.submitted_at is not None
    entry = journal_for(assignment.dossier).get(action="review.submit")
    assert entry.actor == evaluator
    assert (entry.data["review"], entry.data["total"]) == (review.pk, "100.00")
    assert entry.data["before"] is None  # a first submission
    assert entry.data["after"]["total"] == "100.00"
    assert set(entry.data["after"]["scores"].values()) == {4}


@pytest.mark.django_db
@pytest.mark.parametrize("note", [5, -1, "3", 2.5, True])
def test_a_note_outside_the_scale_is_refused(assignment, evaluator, note):
    criterion = _criteria(assignment)[0]

    with pytest.raises(ApplicationError) as refused:
        review_save(actor=evaluator, assignment=assignment, scores={criterion.pk: (note, "x")})

    assert refused.value.field == f"score_{criterion.pk}"
    assert not Score.objects.exists()


@pytest.mark.django_db
def test_a_justification_needs_a_note(assignment, evaluator):
    criterion = _criteria(assignment)[0]

    with pytest.raises(ApplicationError, match="choisissez une note"):
        review_save(actor=evaluator, assignment=assignment, scores={criterion.pk: (None, "Texte.")})


@pytest.mark.django_db
def test_a_criterion_of_another_grid_is_refused(assignment, evaluator):
    other = grid_ensure(call=CallFactory()).criteria.first()

    with pytest.raises(ApplicationError):
        review_save(actor=evaluator, assignment=assignment, scores={other.pk: (2, "x")})


@pytest.mark.django_db
def test_submission_lists_what_is_missing_and_keeps_the_draft(assignment, evaluator):
    first, second, third, *_rest = _criteria(assignment)
    review_save(
        actor=evaluator,
        assignment=assignment,
        scores={first.pk: (3, "Bonne vision."), second.pk: (2, "  ")},
    )

    with pytest.raises(ApplicationError) as refused:
        review_submit(actor=evaluator, assignment=assignment)

    message = refused.value.message
    assert f"« {second.label} » : justification manquante" in message
    assert f"« {third.label} » : note manquante" in message
    assert first.label not in message
    assert Review.objects.get().status == ReviewStatus.DRAFT
    assert not Grid.objects.get().is_frozen


@pytest.mark.django_db
def test_submission_without_any_draft_is_refused(assignment, evaluator):
    with pytest.raises(ApplicationError, match="incomplète"):
        review_submit(actor=evaluator, assignment=assignment)


@pytest.mark.django_db
def test_submission_needs_weights_adding_up_to_100(assignment, evaluator, administrator):
    criterion = _criteria(assignment)[0]
    criterion_save(
        actor=administrator, grid=criterion.grid, criterion=criterion, weight=criterion.weight + 5
    )
    review_save(actor=evaluator, assignment=assignment, scores=_scores(assignment, [4] * 9))

    with pytest.raises(ApplicationError, match="105"):
        review_submit(actor=evaluator, assignment=assignment)


@pytest.mark.django_db
def test_the_first_submission_freezes_the_grid(call, assignment, administrator):
    grid = call.grid
    assert not grid.is_frozen

    _score_and_submit(assignment, MIXED)
    grid.refresh_from_db()
    frozen_at = grid.frozen_at

    assert frozen_at is not None
    with pytest.raises(ApplicationError) as refused:
        criterion_save(actor=administrator, grid=grid, criterion=grid.criteria.first(), weight=1)
    assert refused.value.code == "frozen"

    _score_and_submit(AssignmentFactory(dossier=assignment.dossier), [4] * 9)
    grid.refresh_from_db()
    assert grid.frozen_at == frozen_at


@pytest.mark.django_db
def test_a_submitted_review_is_final(assignment, evaluator):
    _score_and_submit(assignment, MIXED)

    with pytest.raises(ApplicationError) as saving:
        review_save(actor=evaluator, assignment=assignment, scores=_scores(assignment, [4] * 9))
    with pytest.raises(ApplicationError) as submitting:
        review_submit(actor=evaluator, assignment=assignment)

    assert saving.value.code == submitting.value.code == "submitted"
    assert Review.objects.get().total == Decimal("57.50")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [AssignmentStatus.AWAITING_DECLARATION, AssignmentStatus.WITHDRAWN_CONFLICT]
)
def test_only_an_active_assignment_may_be_scored(call, evaluator, status):
    assignment = _assign(call, evaluator=evaluator, status=status)

    with pytest.raises(ApplicationError) as refused:
        review_save(actor=evaluator, assignment=assignment, scores=_scores(assignment, [4] * 9))

    assert refused.value.code == "forbidden"
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_another_evaluator_may_not_score(assignment, administrator):
    for person in (EvaluatorFactory(), administrator):
        with pytest.raises(ApplicationError) as refused:
            review_save(actor=person, assignment=assignment, scores={})
        assert refused.value.code == "forbidden"


@pytest.mark.django_db
def test_a_decided_dossier_may_no_longer_be_scored(assignment, evaluator):
    assignment.dossier.status = DossierStatus.SELECTED
    assignment.dossier.save()

    with pytest.raises(ApplicationError) as refused:
        review_save(actor=evaluator, assignment=assignment, scores={})

    assert refused.value.code == "closed"


@pytest.mark.django_db
def test_the_evaluator_asks_the_administrators_to_reopen(
    assignment, evaluator, administrator, django_capture_on_commit_callbacks
):
    second = AdministratorFactory(email="admin2@mcinet.gov.ma")
    AdministratorFactory(email="ancien@mcinet.gov.ma", is_active=False)
    review = _score_and_submit(assignment, MIXED)

    with django_capture_on_commit_callbacks(execute=True):
        review_reopen_request(
            actor=evaluator, assignment=assignment, reason="Erreur de saisie au critère 3."
        )

    recipients = {message.to[0] for message in mail.outbox}
    assert {administrator.email, second.email, assignment.assigned_by.email} == recipients
    assert "ancien@mcinet.gov.ma" not in recipients
    message = mail.outbox[0]
    assert assignment.dossier.reference in message.subject
    assert "Erreur de saisie au critère 3." in message.body
    assert f"/evaluation/evaluations/{review.pk}/rouvrir/" in message.body
    entry = journal_for(assignment.dossier).get(action="review.reopen_request")
    assert entry.message == "Erreur de saisie au critère 3."
    assert Review.objects.get().status == ReviewStatus.SUBMITTED


@pytest.mark.django_db
def test_a_reopen_request_needs_a_submitted_review_and_a_reason(assignment, evaluator):
    with pytest.raises(ApplicationError, match="soumise"):
        review_reopen_request(actor=evaluator, assignment=assignment, reason="Erreur.")
    _score_and_submit(assignment, MIXED)
    with pytest.raises(ApplicationError) as refused:
        review_reopen_request(actor=evaluator, assignment=assignment, reason="  ")
    assert refused.value.field == "reason"


@pytest.mark.django_db
def test_an_administrator_reopens_a_review(
    assignment, evaluator, administrator, django_capture_on_commit_callbacks
):
    review = _score_and_submit(assignment, MIXED)

    with django_capture_on_commit_callbacks(execute=True):
        review_reopen(actor=administrator, review=review, reason="Critère 3 mal lu.")

    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    assert review.total is None
    assert review.submitted_at is None
    assert review.scores.count() == 9
    entry = journal_for(assignment.dossier).get(action="review.reopen")
    assert (entry.actor, entry.message) == (administrator, "Critère 3 mal lu.")
    assert [message.to for message in mail.outbox] == [[evaluator.email]]
    assert "Critère 3 mal lu." in mail.outbox[0].body
    assert f"/evaluation/attributions/{assignment.pk}/evaluer/" in mail.outbox[0].body

    again = _score_and_submit(assignment, [4] * 9)
    assert again.total == Decimal("100.00")
    assert Grid.objects.get().is_frozen


@pytest.mark.django_db
def test_only_an_administrator_reopens_with_a_reason(
    assignment, evaluator, committee_member, administrator
):
    review = _score_and_submit(assignment, MIXED)

    for person in (evaluator, committee_member):
        with pytest.raises(ApplicationError) as refused:
            review_reopen(actor=person, review=review, reason="Erreur.")
        assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError):
        review_reopen(actor=administrator, review=review, reason="")
    assignment.dossier.status = DossierStatus.SELECTED
    assignment.dossier.save()
    with pytest.raises(ApplicationError, match="décision"):
        review_reopen(actor=administrator, review=review, reason="Erreur.")
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


# What the ranking reads


def _summary(dossier):
    row = ReviewSummary.objects.filter(dossier=dossier).first()
    return row and (row.review_count, row.mean_total, row.spread, row.below_minimum)


@pytest.mark.django_db
def test_submitting_and_reopening_keep_the_dossiers_summary(call, assignment, administrator):
    dossier = assignment.dossier
    second = AssignmentFactory(dossier=dossier)
    weak = [4] * 9
    weak[0] = 1  # 1 / 4 on the first criterion: under its 40 % minimum on average
    _score_and_submit(assignment, weak)
    assert _summary(dossier) == (1, Decimal("88.75"), Decimal("0"), True)

    review = _score_and_submit(second, MIXED)
    # Means 2.5 on the first criterion, over 1.6: no longer under it.
    assert _summary(dossier) == (2, Decimal("73.125"), Decimal("31.25"), False)

    review_reopen(actor=administrator, review=review, reason="Une note à revoir.")
    assert _summary(dossier) == (1, Decimal("88.75"), Decimal("0"), True)
    review_reopen(actor=administrator, review=assignment.review, reason="Idem.")
    assert _summary(dossier) is None


# Reminders before the evaluation deadline


def _deadline_in(call, delta):
    grid = call.grid
    grid.evaluation_deadline = timezone.now() + delta
    grid.save()
    return grid.evaluation_deadline


def _remind(django_capture_on_commit_callbacks, now=None):
    with django_capture_on_commit_callbacks(execute=True):
        return reviews_remind(now=now)


@pytest.mark.django_db
def test_each_reminder_is_sent_once(
    call, assignment, evaluator, django_capture_on_commit_callbacks
):
    deadline = _deadline_in(call, timedelta(days=6, hours=23))

    assert len(_remind(django_capture_on_commit_callbacks)) == 1
    assert _remind(django_capture_on_commit_callbacks) == []
    _remind(django_capture_on_commit_callbacks, now=deadline - timedelta(days=2, hours=23))
    _remind(django_capture_on_commit_callbacks, now=deadline - timedelta(days=2))
    _remind(django_capture_on_commit_callbacks, now=deadline - timedelta(hours=20))
    _remind(django_capture_on_commit_callbacks, now=deadline - timedelta(hours=1))

    assert [message.subject.split(" : ")[-1] for message in mail.outbox] == [
        "évaluations attendues dans 7 jours",
        "évaluations attendues dans 3 jours",
        "évaluations attendues dans 1 jour",
    ]
    assert {tuple(message.to) for message in mail.outbox} == {(evaluator.email,)}
    assert assignment.dossier.reference in mail.outbox[0].body
    assert "/evaluation/mes-evaluations/" in mail.outbox[0].body


@pytest.mark.django_db
def test_one_reminder_lists_all_the_pending_dossiers(
    call, assignment, evaluator, django_capture_on_commit_callbacks
):
    other = _assign(call, evaluator=evaluator)
    _deadline_in(call, timedelta(days=2))

    _remind(django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    assert "3 jours" in mail.outbox[0].subject
    assert assignment.dossier.reference in mail.outbox[0].body
    assert other.dossier.reference in mail.outbox[0].body


@pytest.mark.django_db
def test_no_reminder_for_submitted_withdrawn_or_far_away_reviews(
    call, assignment, django_capture_on_commit_callbacks
):
    _score_and_submit(assignment, MIXED)
    _assign(call, status=AssignmentStatus.WITHDRAWN_CONFLICT)
    _assign(call, status=AssignmentStatus.AWAITING_DECLARATION)
    later = _assign(evaluator=EvaluatorFactory())
    grid_ensure(call=later.dossier.call)
    _deadline_in(later.dossier.call, timedelta(days=8))
    _deadline_in(call, timedelta(days=1))

    assert _remind(django_capture_on_commit_callbacks) == []
    at_the_deadline = later.dossier.call.grid.evaluation_deadline
    assert _remind(django_capture_on_commit_callbacks, now=at_the_deadline) == []


@pytest.mark.django_db
def test_a_draft_gets_reminded_and_a_moved_deadline_restarts_the_reminders(
    call, assignment, evaluator, django_capture_on_commit_callbacks
):
    review_save(
        actor=evaluator, assignment=assignment, scores=_scores(assignment, [2] + [None] * 8, "")
    )
    _deadline_in(call, timedelta(days=2))
    _remind(django_capture_on_commit_callbacks)
    _deadline_in(call, timedelta(days=2, hours=5))
    _remind(django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_periodic_task_sends_the_reminders(
    call, assignment, django_capture_on_commit_callbacks
):
    _deadline_in(call, timedelta(hours=10))

    with django_capture_on_commit_callbacks(execute=True):
        assert evaluation_reminders.delay().get() == 1

    assert len(mail.outbox) == 1
