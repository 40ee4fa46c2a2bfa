"""Three submitted reviews per dossier on the default grid, and the committee's decisions."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType

from applications.models import Call, CallStatus, Dossier, DossierStatus
from core.models import JournalEntry
from evaluation.models import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    Decision,
    Review,
    ReviewStatus,
    Score,
)
from evaluation.services.grid import grid_ensure
from evaluation.services.reviews import review_summaries_refresh

from .plan import BATCH, CONTRACT_YEARS, REVIEWS_PER_DOSSIER

# Range of the notes each outcome's dossiers get (scale 0–4): a selected dossier is eligible
# (every criterion at least 2, the 40 % minimum; total at least 60).
NOTES = {
    DossierStatus.SELECTED: (3, 4),
    DossierStatus.WAITING_LIST: (2, 3),
    DossierStatus.REJECTED: (1, 3),
}
OUTCOMES = {
    DossierStatus.SELECTED: Decision.Outcome.SELECTED,
    DossierStatus.WAITING_LIST: Decision.Outcome.WAITING_LIST,
    DossierStatus.REJECTED: Decision.Outcome.REJECTED,
}


def grid_prepare(plan):
    grid = grid_ensure(call=plan.call)
    grid.evaluation_deadline = plan.closes_at + timedelta(days=45)
    grid.frozen_at = plan.closes_at + timedelta(days=2)
    grid.save()
    plan.grid = grid
    plan.criteria = list(grid.criteria.all())
    return grid


def weighted_total(values, criteria, scale_max):
    """As `review_weighted_total`: Σ weight × note / note maximum, rounded half up."""
    total = sum(c.weight * v for c, v in zip(criteria, values, strict=True))
    return (Decimal(total) / scale_max).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _notes(plan, outcome):
    """The evaluators' notes of one dossier: a shared judgement, each evaluator off by one
    on a single criterion, so that they never diverge past the grid's threshold."""
    low, high = NOTES[outcome]
    base = [plan.rng.randint(low, high) for _ in plan.criteria]
    sets = []
    for _ in range(REVIEWS_PER_DOSSIER):
        notes = list(base)
        k = plan.rng.randrange(len(notes))
        notes[k] = min(high, max(low, notes[k] + plan.rng.choice((-1, 1))))
        sets.append(notes)
    return sets


def reviews_create(plan):
    evaluators = plan.evaluator_users
    assignments, declarations, pending = [], [], []
    for n, d in enumerate(plan.dossiers):
        for k in range(REVIEWS_PER_DOSSIER):
            evaluator = evaluators[(n + k) % len(evaluators)]
            assignments.append(
                Assignment(
                    dossier=d,
                    evaluator=evaluator,
                    assigned_by=plan.admin,
                    status=AssignmentStatus.ACTIVE,
                )
            )
            declarations.append(
                ConflictDeclaration(
                    evaluator=evaluator, cluster_id=d.cluster_id, has_conflict=False
                )
            )
        pending.append(_notes(plan, plan.outcomes[n]))
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    ConflictDeclaration.objects.bulk_create(declarations, batch_size=BATCH)
    submitted_at = plan.closes_at + timedelta(days=20)
    reviews, notes = [], []
    for index, assignment in enumerate(assignments):
        values = pending[index // REVIEWS_PER_DOSSIER][index % REVIEWS_PER_DOSSIER]
        reviews.append(
            Review(
                assignment=assignment,
                status=ReviewStatus.SUBMITTED,
                total=weighted_total(values, plan.criteria, plan.grid.scale_max),
                comment="Dossier solide, des réserves sur le modèle économique.",
                submitted_at=submitted_at,
            )
        )
        notes.append(values)
    Review.objects.bulk_create(reviews, batch_size=BATCH)
    Score.objects.bulk_create(
        (
            Score(review=review, criterion=c, value=v, justification="Justification de la note.")
            for review, values in zip(reviews, notes, strict=True)
            for c, v in zip(plan.criteria, values, strict=True)
        ),
        batch_size=BATCH * 5,
    )
    # Written in bulk, past the review service: what the ranking reads is made once for all.
    review_summaries_refresh(dossiers=Dossier.objects.filter(call=plan.call))


def decisions_create(plan):
    """One decision per dossier, the subsidy being the whole contract's as asked; the
    envelope holds the selected ones exactly, as the committee would have kept it."""
    decisions = [
        Decision(
            dossier=d,
            outcome=OUTCOMES[plan.outcomes[n]],
            subsidy_total=plan.requested[d.pk] * CONTRACT_YEARS,
            decided_by=plan.committee,
        )
        for n, d in enumerate(plan.dossiers)
    ]
    Decision.objects.bulk_create(decisions, batch_size=BATCH)
    plan.decisions = decisions
    selected = sum(
        (x.subsidy_total for x in decisions if x.outcome == Decision.Outcome.SELECTED), Decimal(0)
    )
    Call.objects.filter(pk=plan.call.pk).update(budget_envelope=selected)
    JournalEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Call),
        object_id=plan.call.pk,
        actor=plan.admin,
        action="results.publish",
        from_state=CallStatus.PUBLISHED,
        to_state=CallStatus.RESULTS_PUBLISHED,
        data={"ranked": len(decisions), "selected": plan.contracts, "committed": str(selected)},
        created_at=plan.closes_at + timedelta(days=60),
    )
