"""Reads of the evaluation, computed by the database: one query for a call's whole ranking."""

from decimal import Decimal

from django.db.models import (
    Avg,
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
    Window,
)
from django.db.models.functions import Coalesce

from applications.choices import DossierStatus
from applications.models import BudgetYear, Cluster, Dossier

from .models import Assignment, Decision, Review, Score

# Dossiers that take part in the evaluation of a call.
RANKED_STATUSES = (
    DossierStatus.ADMISSIBLE,
    DossierStatus.UNDER_EVALUATION,
    DossierStatus.SELECTED,
    DossierStatus.WAITING_LIST,
    DossierStatus.REJECTED,
)
SCORE_FIELD = DecimalField(max_digits=6, decimal_places=2)
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


def _per_dossier(queryset, **aggregate):
    """A correlated subquery: one aggregate of the rows that belong to the outer dossier."""
    ((name, expression),) = aggregate.items()
    return Subquery(
        queryset.filter(dossier_ref=OuterRef("pk"))
        .values("dossier_ref")
        .annotate(**{name: expression})
        .values(name)[:1]
    )


def submitted_reviews():
    return Review.objects.filter(status=Review.Status.SUBMITTED).annotate(
        dossier_ref=F("assignment__dossier")
    )


def _below_a_criterion_minimum(grid):
    """True when, on some criterion, the mean of the submitted notes is under its minimum:
    the criterion's own minimum, or the grid's share of the maximum note."""
    default_minimum = Value(grid.criterion_min_ratio * grid.scale_max, output_field=SCORE_FIELD)
    means = (
        Score.objects.filter(
            review__status=Review.Status.SUBMITTED, review__assignment__dossier=OuterRef("pk")
        )
        .values("criterion", "criterion__min_score")
        .annotate(mean=Avg("value"))
        .filter(mean__lt=Coalesce(F("criterion__min_score"), default_minimum))
    )
    return Exists(means)


def _awaiting_a_review():
    """True while an evaluator still holds the dossier without having submitted a review."""
    return Exists(
        live_assignments()
        .filter(dossier=OuterRef("pk"))
        .exclude(review__status=Review.Status.SUBMITTED)
    )


def ranking(call):
    """The call's dossiers in rank order, each with its scores, eligibility and subsidy.

    Final score: the committee's consensus if any, else the mean of the submitted reviews.
    Ties: the dossier submitted first comes first (then the reference, for a total order).
    """
    grid = call.grid
    requested = BudgetYear.objects.annotate(dossier_ref=F("dossier"))
    final = Coalesce(F("consensus__score"), F("mean_total"), output_field=SCORE_FIELD)
    order = [F("final_score").desc(nulls_last=True), F("submitted_at").asc(), F("reference").asc()]
    # The reviews' figures are aggregated over one join (assignments, then their review)
    # rather than one correlated subquery each: PostgreSQL would run every such subquery once
    # per dossier, and again for each expression that names it.
    submitted = Q(assignments__review__status=Review.Status.SUBMITTED)
    total = "assignments__review__total"
    return (
        Dossier.objects.filter(call=call, status__in=RANKED_STATUSES)
        .select_related("cluster", "consensus", "decision")
        .annotate(
            review_count=Count("assignments__review", filter=submitted),
            mean_total=Avg(total, filter=submitted, output_field=SCORE_FIELD),
            spread=ExpressionWrapper(
                Max(total, filter=submitted) - Min(total, filter=submitted),
                output_field=SCORE_FIELD,
            ),
            subsidy_requested=Coalesce(
                _per_dossier(requested, asked=Sum("subsidy_requested")),
                Value(Decimal("0")),
                output_field=MONEY_FIELD,
            ),
            below_minimum=_below_a_criterion_minimum(grid),
            awaiting_review=_awaiting_a_review(),
        )
        .annotate(final_score=final)
        .annotate(
            eligible=Q(final_score__gte=grid.min_total) & Q(below_minimum=False),
            divergent=Q(spread__gt=grid.divergence_threshold),
            cumulative_requested=Window(Sum("subsidy_requested"), order_by=order),
        )
        .order_by(*order)
    )


def live_assignments(dossier_ids=None):
    live = Assignment.objects.filter(
        status__in=[Assignment.Status.AWAITING_DECLARATION, Assignment.Status.ACTIVE]
    )
    return live if dossier_ids is None else live.filter(dossier_id__in=dossier_ids)


def evaluator_queue(user):
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


def selected_clusters(call) -> list[dict]:
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
