"""The evaluator's review of one dossier: saved as a draft, submitted once (which freezes the
grid), reopened only by an administrator; reminders before the evaluation deadline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import active_administrators
from applications.models import Dossier
from core.errors import ApplicationError
from core.journal import journal_for, journal_record
from core.mail import mail_queue
from core.models import OutgoingMail
from core.services import full_clean_or_refuse
from core.states import StateMachine

from ..models import Assignment, AssignmentStatus, Grid, Review, ReviewStatus, ReviewSummary, Score
from ..scoring import score_field
from ..selectors.assignments import SCORABLE_STATUSES, pending_assignments
from ..selectors.ranking import review_figures
from ..selectors.reviews import review_missing, review_weighted_total
from .grid import ensure_grid_complete, grid_ensure

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User
    from core.models import JournalEntry

    from ..models import Criterion

REMINDER_DAYS = (7, 3, 1)
CENTIME = Decimal("0.01")


REVIEW_STATES = StateMachine(
    "review",
    {
        (ReviewStatus.DRAFT, "submit"): ReviewStatus.SUBMITTED,
        (ReviewStatus.SUBMITTED, "reopen"): ReviewStatus.DRAFT,
    },
)


def review_transition(
    *,
    actor: User,
    review: Review,
    action: str,
    dossier: Dossier,
    fields: Iterable[str] = (),
    message: str = "",
    data: dict[str, Any] | None = None,
) -> Review:
    """Move a locked review along the table above, saving the other `fields` the caller set.
    Journaled on the dossier, by review number: the evaluator's name stays off its history."""
    REVIEW_STATES.move(
        review,
        action,
        actor=actor,
        fields=fields,
        journal_target=dossier,
        message=message,
        data={"review": review.pk, **(data or {})},
    )
    return review


def _lock_assignment(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("dossier__call", "evaluator")
        .get(pk=assignment.pk)
    )


def _ensure_may_score(actor: User, assignment: Assignment) -> None:
    if not actor.has_perm("evaluation.score", assignment):
        raise ApplicationError(
            _("Vous n'êtes pas l'évaluateur attribué à ce dossier."), code="forbidden"
        )
    if assignment.dossier.status not in SCORABLE_STATUSES:
        raise ApplicationError(
            _("Ce dossier n'est plus en cours d'évaluation : les notes ne peuvent plus changer."),
            code="closed",
        )


def _submitted_error() -> ApplicationError:
    return ApplicationError(
        _(
            "Votre évaluation est soumise : elle est définitive. "
            "Pour la modifier, demandez sa réouverture à un administrateur."
        ),
        code="submitted",
    )


def _clean_value(criterion: Criterion, value: Any, grid: Grid) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= grid.scale_max:
        raise ApplicationError(
            _("« %(criterion)s » : la note doit être un nombre entier de 0 à %(max)s.")
            % {"criterion": criterion.label, "max": grid.scale_max},
            field=score_field(criterion),
        )
    return value


def _save_score(
    review: Review, criterion: Criterion, value: int | None, justification: str
) -> None:
    if value is None:
        if justification:
            # A note is a number: the model has no place for a justification without one.
            raise ApplicationError(
                _(
                    "« %(criterion)s » : choisissez une note pour enregistrer la justification "
                    "(vous pourrez la changer jusqu'à la soumission)."
                )
                % {"criterion": criterion.label},
                field=score_field(criterion),
            )
        Score.objects.filter(review=review, criterion=criterion).delete()
        return
    score = Score.objects.filter(review=review, criterion=criterion).first() or Score(
        review=review, criterion=criterion
    )
    score.value = value
    score.justification = justification
    # A draft may keep a note whose justification is still to be written.
    full_clean_or_refuse(score, exclude=() if justification else ("justification",))
    score.save()


@transaction.atomic
def review_save(
    *, actor: User, assignment: Assignment, scores: Mapping[int, tuple[Any, str]], comment: str = ""
) -> Review:
    """Save the evaluator's draft; `scores` maps criterion ids to (note or None, justification).

    A draft may be partial: an empty note removes the criterion's note from the draft."""
    assignment = _lock_assignment(assignment)
    _ensure_may_score(actor, assignment)
    grid = grid_ensure(call=assignment.dossier.call)
    review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
    if review.status == ReviewStatus.SUBMITTED:
        raise _submitted_error()
    criteria = {criterion.pk: criterion for criterion in grid.criteria.all()}
    unknown = set(scores) - set(criteria)
    if unknown:
        raise ApplicationError(_("Un des critères notés n'appartient pas à la grille."))
    for criterion_id, (value, justification) in scores.items():
        criterion = criteria[criterion_id]
        value = _clean_value(criterion, value, grid)
        _save_score(review, criterion, value, (justification or "").strip())
    review.comment = (comment or "").strip()
    full_clean_or_refuse(review)
    review.save()
    return review


SUMMARY_FIELDS = ("review_count", "mean_total", "spread", "below_minimum")


def review_summaries_refresh(*, dossiers: QuerySet[Dossier]) -> None:
    """Make the dossiers' `ReviewSummary` what their submitted reviews add up to (three
    statements whatever their number): every write that submits or reopens a review calls it
    in its transaction, and the seeds that write reviews in bulk once for all."""
    figures = {row.pop("pk"): row for row in review_figures(dossiers)}
    ReviewSummary.objects.filter(dossier__in=dossiers).exclude(dossier__in=figures).delete()
    ReviewSummary.objects.bulk_create(
        [ReviewSummary(dossier_id=pk, **row) for pk, row in figures.items()],
        update_conflicts=True,
        unique_fields=["dossier"],
        update_fields=SUMMARY_FIELDS,
    )


def _summary_refresh(dossier_id: int) -> None:
    # The dossier's row is locked first: two of its reviews submitted or reopened at once are
    # then counted one after the other, the second count seeing the first review.
    dossier = Dossier.objects.filter(pk=dossier_id)
    list(dossier.select_for_update(of=("self",)).values_list("pk", flat=True))
    review_summaries_refresh(dossiers=dossier)


@transaction.atomic
def review_submit(*, actor: User, assignment: Assignment, now: datetime | None = None) -> Review:
    """Submit the draft for good: every criterion noted and justified, the total computed by
    the database, and the grid frozen by the call's first submitted review."""
    now = now or timezone.now()
    assignment = _lock_assignment(assignment)
    _ensure_may_score(actor, assignment)
    # The grid's lock makes a criterion's edit and a first submission wait for each other.
    grid = Grid.objects.select_for_update().get(pk=grid_ensure(call=assignment.dossier.call).pk)
    review = Review.objects.select_for_update().filter(assignment=assignment).first()
    if review is not None and review.status == ReviewStatus.SUBMITTED:
        raise _submitted_error()
    ensure_grid_complete(grid)
    missing = review_missing(review, grid.criteria.all())
    if missing:
        raise ApplicationError(
            _("L'évaluation est incomplète : %(missing)s.") % {"missing": " ; ".join(missing)},
            code="incomplete",
        )
    # Without a draft every note is missing: from here on the review exists.
    review = cast(Review, review)
    review.total = Decimal(str(review_weighted_total(review, grid))).quantize(CENTIME)
    review.submitted_at = now
    full_clean_or_refuse(review)
    review_transition(
        actor=actor,
        review=review,
        action="submit",
        fields=["total", "submitted_at", "comment"],
        dossier=assignment.dossier,
        data={
            "total": str(review.total),
            "before": _previous_submission(assignment.dossier, review),
            "after": _submitted_values(review),
        },
    )
    if grid.frozen_at is None:
        grid.frozen_at = now
        grid.save(update_fields=["frozen_at", "updated_at"])
    _summary_refresh(assignment.dossier_id)
    return review


def _submitted_values(review: Review) -> dict[str, Any]:
    """The notes and total of a submitted review, as the journal keeps them."""
    scores = review.scores.select_related("criterion").order_by("criterion__position", "pk")
    return {
        "total": str(review.total),
        "scores": {score.criterion.label: score.value for score in scores},
    }


def _previous_submission(dossier: Dossier, review: Review) -> dict[str, Any] | None:
    """What a reopened review said when it was last submitted; None on a first submission."""
    previous = journal_for(dossier).filter(action="review.submit", data__review=review.pk).first()
    return previous.data.get("after") if previous else None


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Indiquez le motif de la réouverture."), field="reason")
    return reason


@transaction.atomic
def review_reopen_request(*, actor: User, assignment: Assignment, reason: str) -> JournalEntry:
    """The evaluator asks the administrators to reopen a submitted review."""
    assignment = _lock_assignment(assignment)
    _ensure_may_score(actor, assignment)
    reason = _reason(reason)
    review = Review.objects.filter(assignment=assignment).first()
    if review is None or review.status != ReviewStatus.SUBMITTED:
        raise ApplicationError(
            _("Seule une évaluation soumise peut faire l'objet d'une demande de réouverture.")
        )
    entry = journal_record(
        target=assignment.dossier,
        actor=actor,
        action="review.reopen_request",
        message=reason,
        data={"review": review.pk},
    )
    for person in active_administrators():
        mail_queue(
            template="review_reopen_requested",
            to=person.email,
            language=person.preferred_language,
            context={
                "user": person,
                "evaluator": actor,
                "dossier": assignment.dossier,
                "call": assignment.dossier.call,
                "review": review,
                "reason": reason,
            },
            key=f"review-reopen-request:{review.pk}:{entry.pk}:{person.pk}",
        )
    return entry


@transaction.atomic
def review_reopen(*, actor: User, review: Review, reason: str) -> Review:
    """An administrator turns a submitted review back into a draft its evaluator can change.
    The grid stays frozen: the other reviews were made against it."""
    if not actor.has_perm("evaluation.manage"):
        raise ApplicationError(
            _("Seul un administrateur du programme peut rouvrir une évaluation."),
            code="forbidden",
        )
    reason = _reason(reason)
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("assignment__dossier__call", "assignment__evaluator")
        .get(pk=review.pk)
    )
    assignment = review.assignment
    if review.status != ReviewStatus.SUBMITTED:
        raise ApplicationError(_("Cette évaluation n'est pas soumise : elle est déjà modifiable."))
    if assignment.status != AssignmentStatus.ACTIVE:
        raise ApplicationError(_("L'évaluateur n'est plus attribué à ce dossier."))
    if assignment.dossier.status not in SCORABLE_STATUSES:
        raise ApplicationError(
            _("Une décision a été prise sur ce dossier : ses évaluations ne peuvent plus rouvrir.")
        )
    review.total = None
    review.submitted_at = None
    review_transition(
        actor=actor,
        review=review,
        action="reopen",
        fields=["total", "submitted_at"],
        dossier=assignment.dossier,
        message=reason,
    )
    _summary_refresh(assignment.dossier_id)
    evaluator = assignment.evaluator
    mail_queue(
        template="review_reopened",
        to=evaluator.email,
        language=evaluator.preferred_language,
        context={
            "user": evaluator,
            "dossier": assignment.dossier,
            "call": assignment.dossier.call,
            "assignment": assignment,
            "reason": reason,
        },
    )
    return review


def _due_reminder(deadline: datetime, now: datetime) -> int | None:
    """The closest reminder whose moment has come (a late assignment gets only that one)."""
    remaining = deadline - now
    return min((days for days in REMINDER_DAYS if remaining <= timedelta(days=days)), default=None)


def reviews_remind(*, now: datetime | None = None) -> list[OutgoingMail]:
    """Queue the reminders due now: one e-mail per evaluator and call listing their pending
    dossiers, each reminder (7, 3, 1 days before the deadline) at most once. Returns the
    e-mails queued by this run."""
    now = now or timezone.now()
    pending = defaultdict(list)
    for assignment in pending_assignments(now, within=timedelta(days=max(REMINDER_DAYS))):
        pending[(assignment.evaluator, assignment.dossier.call)].append(assignment)
    queued = []
    for (evaluator, call), assignments in pending.items():
        grid = call.grid
        # pending_assignments keeps only the grids whose deadline is set.
        days = _due_reminder(grid.evaluation_deadline, now)  # type: ignore[arg-type]
        key = (
            f"evaluation-reminder:{grid.pk}:{evaluator.pk}:"
            f"{grid.evaluation_deadline:%Y%m%d%H%M}:{days}d"
        )
        if days is None or OutgoingMail.objects.filter(key=key).exists():
            continue
        with transaction.atomic():
            queued.append(
                mail_queue(
                    template="evaluation_reminder",
                    to=evaluator.email,
                    language=evaluator.preferred_language,
                    context={
                        "user": evaluator,
                        "call": call,
                        "deadline": grid.evaluation_deadline,
                        "days": days,
                        "dossiers": [assignment.dossier for assignment in assignments],
                    },
                    key=key,
                )
            )
    return queued
