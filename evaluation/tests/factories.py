import factory
from django.utils import timezone

from accounts.tests.factories import AdministratorFactory, EvaluatorFactory
from applications.models import Dossier, DossierStatus
from applications.tests.factories import DossierFactory
from evaluation.models import Assignment, AssignmentStatus, Review, ReviewStatus, Score
from evaluation.selectors.reviews import review_weighted_total
from evaluation.services.grid import grid_ensure
from evaluation.services.reviews import review_summaries_refresh


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment
        skip_postgeneration_save = True  # the grid hook changes the call, not the assignment

    dossier = factory.SubFactory(
        DossierFactory,
        status=DossierStatus.UNDER_EVALUATION,
        submitted_at=factory.LazyFunction(timezone.now),
    )
    evaluator = factory.SubFactory(EvaluatorFactory)
    assigned_by = factory.SubFactory(AdministratorFactory)
    status = AssignmentStatus.ACTIVE

    @factory.post_generation
    def grid(self, create, extracted, **kwargs):
        # As `assignment_create` guarantees: a dossier is assigned once its call has a grid.
        if create:
            grid_ensure(call=self.dossier.call)


def submitted_review(assignment, notes, *, comment="Dossier solide."):
    """A submitted review giving `notes` (one per criterion, in grid order) to a dossier."""
    grid = grid_ensure(call=assignment.dossier.call)
    review = Review.objects.create(assignment=assignment, comment=comment)
    criteria = list(grid.criteria.all())
    Score.objects.bulk_create(
        Score(review=review, criterion=criterion, value=value, justification=f"Note {value}.")
        for criterion, value in zip(criteria, notes, strict=True)
    )
    review.total = review_weighted_total(review, grid)
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = timezone.now()
    review.save()
    # Past the review service, which keeps what the ranking reads: kept here the same way.
    review_summaries_refresh(dossiers=Dossier.objects.filter(pk=assignment.dossier_id))
    return review


def evaluated(dossier, *note_rows):
    """Give a dossier one submitted review per row of notes, each by a new evaluator."""
    for notes in note_rows:
        submitted_review(AssignmentFactory(dossier=dossier), notes)
    return dossier
