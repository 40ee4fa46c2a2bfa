"""The assignment's and the review's transition tables, walked move by move."""

from decimal import Decimal

import pytest
from django.utils import timezone

from core.tests.states import walk_table
from evaluation.models import AssignmentStatus, Review, ReviewStatus
from evaluation.services.assignment import ASSIGNMENT_STATES, assignment_transition
from evaluation.services.reviews import REVIEW_STATES, review_transition
from evaluation.tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def test_every_move_of_an_assignment_follows_its_table(administrator):
    def move(assignment, action):
        assignment_transition(
            actor=administrator, assignment=assignment, action=action, journal_target=assignment
        )

    walk_table(
        ASSIGNMENT_STATES,
        AssignmentStatus.values,
        lambda state: AssignmentFactory(status=state),
        move,
    )


def test_every_move_of_a_review_follows_its_table(administrator):
    def build(state):
        submitted = state == ReviewStatus.SUBMITTED
        return Review.objects.create(
            assignment=AssignmentFactory(),
            status=state,
            total=Decimal("72.50") if submitted else None,
            submitted_at=timezone.now() if submitted else None,
        )

    def move(review, action):
        # As `review_submit` and `review_reopen` set them: a submitted review has its total.
        submitting = action == "submit"
        review.total = Decimal("72.50") if submitting else None
        review.submitted_at = timezone.now() if submitting else None
        review_transition(
            actor=administrator,
            review=review,
            action=action,
            dossier=review.assignment.dossier,
            fields=["total", "submitted_at"],
        )

    walk_table(REVIEW_STATES, ReviewStatus.values, build, move)
