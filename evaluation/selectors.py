"""Reads of the evaluation, computed by the database where they can be (one query for a call's
whole ranking): what the pages show and what the services check before they write."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from accounts.selectors import active_evaluators
from applications.eligibility import eligibility_gaps
from applications.models import BudgetYear, Cluster, Dossier, DossierStatus
from applications.sections import missing_items
from applications.selectors import submitted_mass

from .defaults import default_grid
from .models import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    Criterion,
    Decision,
    Grid,
    ReviewStatus,
    Score,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import WithAnnotations

    from accounts.models import User
    from applications.models import Call

    from .models import Grid, Review

# Dossiers that take part in the evaluation of a call.
RANKED_STATUSES = (
    DossierStatus.ADMISSIBLE,
    DossierStatus.UNDER_EVALUATION,
    DossierStatus.SELECTED,
    DossierStatus.WAITING_LIST,
    DossierStatus.REJECTED,
)
SCORE_FIELD: DecimalField = DecimalField(max_digits=6, decimal_places=2)
# Why a dossier of the ranking may not be selected (`ineligibility_reason` says it in
# words); "" when it may.
UNSCORED, UNDER_TOTAL, UNDER_CRITERION, DIVERGENT, AWAITING = (
    "unscored",
    "under_total",
    "under_criterion",
    "divergent",
    "awaiting",
)
MONEY_FIELD: DecimalField = DecimalField(max_digits=14, decimal_places=2)
# Dossiers that may receive evaluators, and those being scored (between admissibility and
# the committee's decision): the same statuses, read by the assignment and review services.
ASSIGNABLE_STATUSES = (DossierStatus.ADMISSIBLE, DossierStatus.UNDER_EVALUATION)
SCORABLE_STATUSES = ASSIGNABLE_STATUSES
LIVE_STATUSES = (AssignmentStatus.AWAITING_DECLARATION, AssignmentStatus.ACTIVE)
EVALUATORS_PER_DOSSIER = 2


class RankingFigures(TypedDict):
    """What `ranking` adds to each of its dossiers."""

    review_count: int
    mean_total: Decimal | None
    spread: Decimal | None
    below_minimum: bool
    subsidy_requested: Decimal
    awaiting_review: bool
    final_score: Decimal | None
    eligible: bool
    divergent: bool
    reason: str
    cumulative_requested: Decimal
    eligible_cumulative: Decimal


if TYPE_CHECKING:
    RankedDossier = WithAnnotations[Dossier, RankingFigures]


def _below_a_criterion_minimum() -> Exists:
    """True when, on some criterion, the mean of the submitted notes is under its minimum:
    the criterion's own minimum, or its grid's share of the maximum note."""
    grid = "criterion__grid__"
    default_minimum = ExpressionWrapper(
        F(f"{grid}criterion_min_ratio") * F(f"{grid}scale_max"), output_field=SCORE_FIELD
    )
    means = (
        Score.objects.filter(
            review__status=ReviewStatus.SUBMITTED, review__assignment__dossier=OuterRef("pk")
        )
        .values("criterion")
        .annotate(mean=Avg("value"), minimum=Coalesce("criterion__min_score", default_minimum))
        .filter(mean__lt=F("minimum"))
    )
    return Exists(means)


def review_figures(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier, dict[str, Any]]:
    """What the submitted reviews of each dossier add up to (`ReviewSummary`'s columns), for
    the dossiers that have some: one query, reading every note of these dossiers."""
    submitted = Q(assignments__review__status=ReviewStatus.SUBMITTED)
    total = "assignments__review__total"
    return (
        dossiers.order_by()
        .values("pk")
        .annotate(
            review_count=Count("assignments__review", filter=submitted),
            mean_total=Avg(total, filter=submitted),
            spread=Max(total, filter=submitted) - Min(total, filter=submitted),
            below_minimum=_below_a_criterion_minimum(),
        )
        .filter(review_count__gt=0)
    )


def _awaiting_a_review() -> Exists:
    """True while an evaluator still holds the dossier without having submitted a review."""
    return Exists(
        live_assignments()
        .filter(dossier=OuterRef("pk"))
        .exclude(review__status=ReviewStatus.SUBMITTED)
    )


def _subsidy_requested() -> Coalesce:
    return Coalesce(
        Subquery(
            BudgetYear.objects.filter(dossier=OuterRef("pk"))
            .values("dossier")
            .annotate(asked=Sum("subsidy_requested"))
            .values("asked")[:1]
        ),
        Value(Decimal("0")),
        output_field=MONEY_FIELD,
    )


def _reason(grid: Grid) -> Case:
    """The first rule, in the committee's order, that keeps the dossier from selection."""
    return Case(
        When(final_score__isnull=True, then=Value(UNSCORED)),
        When(final_score__lt=grid.min_total, then=Value(UNDER_TOTAL)),
        When(below_minimum=True, then=Value(UNDER_CRITERION)),
        When(divergent=True, consensus__isnull=True, then=Value(DIVERGENT)),
        When(awaiting_review=True, then=Value(AWAITING)),
        default=Value(""),
        output_field=CharField(),
    )


def ranking(call: Call) -> QuerySet[RankedDossier]:
    """The call's dossiers in rank order, each with its scores, eligibility and subsidy, and
    the running total of what the eligible dossiers ask up to it: one query, whose slice is
    a page of the ranking.

    Final score: the committee's consensus if any, else the mean of the submitted reviews
    (kept per dossier in `ReviewSummary` by the review service).
    Ties: the dossier submitted first comes first (then the reference, for a total order).
    """
    grid = call.grid
    summary = "review_summary__"
    final = Coalesce(F("consensus__score"), F("mean_total"), output_field=SCORE_FIELD)
    order = [F("final_score").desc(nulls_last=True), F("submitted_at").asc(), F("reference").asc()]
    eligible_subsidy = Case(
        When(reason="", then=F("subsidy_requested")),
        default=Value(Decimal("0")),
        output_field=MONEY_FIELD,
    )
    return (
        Dossier.objects.filter(call=call, status__in=RANKED_STATUSES)
        .select_related("cluster", "consensus", "decision")
        .annotate(
            review_count=Coalesce(F(f"{summary}review_count"), 0),
            mean_total=F(f"{summary}mean_total"),
            spread=F(f"{summary}spread"),
            below_minimum=Coalesce(F(f"{summary}below_minimum"), False),
            subsidy_requested=_subsidy_requested(),
            awaiting_review=_awaiting_a_review(),
        )
        .annotate(final_score=final)
        .annotate(
            eligible=Q(final_score__gte=grid.min_total) & Q(below_minimum=False),
            divergent=Q(spread__gt=grid.divergence_threshold),
        )
        .annotate(reason=_reason(grid))
        .annotate(
            cumulative_requested=Window(Sum("subsidy_requested"), order_by=order),
            eligible_cumulative=Window(Sum(eligible_subsidy), order_by=order),
        )
        .order_by(*order)
    )


def ranking_totals(call: Call) -> dict[str, Any]:
    """The ranking's figures: dossiers ranked, selected, and the subsidy they commit."""
    chosen = Q(decision__outcome=Decision.Outcome.SELECTED)
    return Dossier.objects.filter(call=call, status__in=RANKED_STATUSES).aggregate(
        ranked=Count("pk"),
        selected=Count("decision", filter=chosen),
        committed=Coalesce(Sum("decision__subsidy_total", filter=chosen), Value(Decimal("0"))),
    )


def live_assignments(dossier_ids: Iterable[int] | None = None) -> QuerySet[Assignment]:
    live = Assignment.objects.filter(status__in=LIVE_STATUSES)
    return live if dossier_ids is None else live.filter(dossier_id__in=dossier_ids)


def evaluator_queue_lines(user: User) -> QuerySet[Assignment, Any]:
    """The evaluator's live assignments as the queue shows them: only the columns on screen,
    by evaluation deadline then reference (one query, no model built per row)."""
    return (
        live_assignments()
        .filter(evaluator=user)
        .order_by(
            F("dossier__call__grid__evaluation_deadline").asc(nulls_last=True),
            "dossier__reference",
        )
        .values(
            "pk",
            "status",
            reference=F("dossier__reference"),
            cluster=F("dossier__cluster__name"),
            call_title=F("dossier__call__title"),
            deadline=F("dossier__call__grid__evaluation_deadline"),
            review_status=F("review__status"),
            review_total=F("review__total"),
        )
    )


def evaluator_queue(user: User) -> QuerySet[Assignment]:
    """The evaluator's assignments, with what each page needs, in a fixed number of queries."""
    return (
        live_assignments()
        .filter(evaluator=user)
        .select_related("dossier__call__grid", "dossier__cluster", "review")
        .order_by(
            F("dossier__call__grid__evaluation_deadline").asc(nulls_last=True),
            "dossier__reference",
        )
    )


def selected_clusters(call: Call) -> list[dict]:
    """The call's selected clusters as the public page lists them: only the columns shown,
    with the labels of their sector and region (one query, no model built per row)."""
    # Translated once, not once per row.
    sectors = {key: str(label) for key, label in Cluster._meta.get_field("sector").flatchoices}
    regions = {key: str(label) for key, label in Cluster._meta.get_field("region").flatchoices}
    rows = (
        Decision.objects.filter(dossier__call=call, outcome=Decision.Outcome.SELECTED)
        .order_by("dossier__cluster__name")
        .values(
            name=F("dossier__cluster__name"),
            acronym=F("dossier__cluster__acronym"),
            sector=F("dossier__cluster__sector"),
            city=F("dossier__cluster__city"),
            region=F("dossier__cluster__region"),
        )
    )
    return [
        row
        | {"sector_label": sectors.get(row["sector"]), "region_label": regions.get(row["region"])}
        for row in rows
    ]


def call_grid(call: Call) -> tuple[Grid, list[Criterion]]:
    """The call's grid and its criteria; the ministry's grid, unsaved, while the call has none
    of its own (a page shows it without writing it)."""
    grid = Grid.objects.filter(call=call).first()
    if grid is None:
        return default_grid(call)
    return grid, list(grid.criteria.all())


def ranked_row(dossier: Dossier, call: Call | None = None) -> RankedDossier | None:
    """The dossier's line of its call's ranking (scores, eligibility, subsidy), or None."""
    return ranking(call or dossier.call).filter(pk=dossier.pk).first()


def reason_texts(grid: Grid) -> dict[str, str]:
    """{reason code of the ranking: why a dossier may not be selected, in words}."""
    return {
        "": "",
        UNSCORED: _("Aucune évaluation soumise."),
        UNDER_TOTAL: _("Note finale sous le minimum de %(minimum)s / 100.")
        % {"minimum": floatformat(grid.min_total, "-2")},
        UNDER_CRITERION: _("Au moins un critère est noté sous son minimum."),
        DIVERGENT: _(
            "Les évaluateurs divergent : le comité doit d'abord arrêter une note de consensus."
        ),
        AWAITING: _("Toutes les évaluations attribuées ne sont pas encore soumises."),
    }


def ineligibility_reason(row: RankedDossier, grid: Grid) -> str:
    """Why a dossier of the ranking may not be selected, in words; "" when it may."""
    return reason_texts(grid)[row.reason]


class EvaluatorLoad(TypedDict):
    """What `evaluators_with_load` adds to each evaluator: their live assignments in the call."""

    load: int


def evaluators_with_load(call: Call) -> QuerySet[WithAnnotations[User, EvaluatorLoad]]:
    """Every active evaluator with `load`, their live assignments in the call: one query."""
    live_in_call = Q(assignments__status__in=LIVE_STATUSES, assignments__dossier__call=call)
    return active_evaluators().annotate(load=Count("assignments", filter=live_in_call))


def conflicted_pairs(cluster_ids: Iterable[int]) -> set[tuple[int, int]]:
    """{(evaluator id, cluster id)} of the conflicts declared with these clusters."""
    return set(
        ConflictDeclaration.objects.filter(
            cluster_id__in=cluster_ids, has_conflict=True
        ).values_list("evaluator_id", "cluster_id")
    )


def short_dossiers(call: Call, per_dossier: int = EVALUATORS_PER_DOSSIER) -> QuerySet[Dossier]:
    """The call's assignable dossiers with fewer than `per_dossier` live evaluators."""
    return (
        Dossier.objects.filter(call=call, status__in=ASSIGNABLE_STATUSES)
        .annotate(live_count=Count("assignments", filter=Q(assignments__status__in=LIVE_STATUSES)))
        .filter(live_count__lt=per_dossier)
        .order_by("reference")
    )


def weights_total(grid: Grid) -> int:
    return grid.criteria.aggregate(total=Sum("weight"))["total"] or 0


def review_weighted_total(review: Review, grid: Grid) -> Decimal:
    """Σ weight × note / note maximum, computed by the database: a total out of 100."""
    total = Score.objects.filter(review=review).aggregate(
        total=Sum(F("criterion__weight") * F("value"))
    )["total"]
    # Decimal, rounded half up to the centime, as a person would round a mark.
    return (Decimal(total or 0) / grid.scale_max).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def review_missing(review: Review | None, criteria: Iterable[Criterion]) -> list[str]:
    """What stops a review from being submitted, in words, criterion by criterion."""
    saved = {score.criterion_id: score for score in review.scores.all()} if review else {}
    missing = []
    for criterion in criteria:
        score = saved.get(criterion.pk)
        if score is None:
            missing.append(_("« %(criterion)s » : note manquante") % {"criterion": criterion})
        elif not score.justification.strip():
            missing.append(
                _("« %(criterion)s » : justification manquante") % {"criterion": criterion}
            )
    return missing


def pending_assignments(now: datetime, *, within: timedelta) -> QuerySet[Assignment]:
    """Active assignments whose review is not submitted, their evaluation deadline still ahead
    but no further than `within` (the first reminder's span)."""
    return (
        Assignment.objects.filter(
            status=AssignmentStatus.ACTIVE,
            dossier__status__in=SCORABLE_STATUSES,
            dossier__call__grid__evaluation_deadline__gt=now,
            dossier__call__grid__evaluation_deadline__lte=now + within,
        )
        .exclude(review__status=ReviewStatus.SUBMITTED)
        .select_related("evaluator", "dossier__cluster", "dossier__call__grid")
        .order_by("dossier__reference")
    )


def precheck(dossier: Dossier, mass: dict[str, Any] | None = None) -> list[str]:
    """What the portal finds wrong with a dossier before staff decide: the call's eligibility
    rules, then the mandatory items missing. Empty when it conforms.

    `dossier` is loaded with `applications.selectors.dossier_for_page`. The members counted
    are those the dossier listed when it was submitted, not the cluster's list of today."""
    if dossier.participants_snapshot:
        mass = submitted_mass(dossier.participants_snapshot)
    gaps = eligibility_gaps(dossier.cluster, dossier.call, mass)
    for section, label in missing_items(dossier):
        if section.kind == "documents":
            gaps.append(_("Pièce obligatoire manquante : %(label)s") % {"label": label})
        else:
            gaps.append(_("Section incomplète : %(title)s") % {"title": section.title})
    return gaps


def request_pending(dossier: Dossier, now: datetime | None = None) -> bool:
    """An open request for documents: the cluster still has time to answer it."""
    return any(request.is_open(now) for request in dossier.document_requests.all())
