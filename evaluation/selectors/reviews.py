"""The grid a call is scored against and what a review still lacks, with its weighted total."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import F, Sum
from django.utils.translation import gettext as _

from ..defaults import default_grid
from ..models import Criterion, Grid, Score

if TYPE_CHECKING:
    from applications.models import Call

    from ..models import Grid, Review


def call_grid(call: Call) -> tuple[Grid, list[Criterion]]:
    """The call's grid and its criteria; the ministry's grid, unsaved, while the call has none
    of its own (a page shows it without writing it)."""
    grid = Grid.objects.filter(call=call).first()
    if grid is None:
        return default_grid(call)
    return grid, list(grid.criteria.all())


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
