"""The ranking of a call, computed by the database in one query: each dossier's figures,
its eligibility for selection and why not, the running totals against the envelope."""

from __future__ import annotations

from decimal import Decimal
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

from applications.models import BudgetYear, Cluster, Dossier, DossierStatus

from ..models import Decision, Grid, ReviewStatus, Score
from .assignments import live_assignments

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import WithAnnotations

    from applications.models import Call

    from ..models import Grid


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
