"""The evaluation grid of a call: created with the ministry's defaults, editable until the
first review is submitted, then frozen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.journal import journal_record
from core.services import assign_fields, full_clean_or_refuse
from core.translation import columns

from ..defaults import default_grid
from ..models import Criterion, Grid, Score
from ..selectors.reviews import weights_total

if TYPE_CHECKING:
    from accounts.models import User
    from applications.models import Call


NOT_SCORING_RULES = (
    "evaluation_deadline",
    "conflict_lookback_years",
    "appeal_days",
    "results_require_closed_sitting",
)
GRID_FIELDS = (
    "scale_max",
    *columns("scale_labels"),
    "min_total",
    "criterion_min_ratio",
    "divergence_threshold",
    *NOT_SCORING_RULES,
)
CRITERION_FIELDS = (*columns("label"), *columns("description"), "weight", "min_score", "position")


def grid_ensure(*, call: Call) -> Grid:
    """The call's grid, saved from the ministry's default grid the first time a write needs it."""
    grid = Grid.objects.filter(call=call).first()
    if grid is not None:
        return grid
    with transaction.atomic():
        default, criteria = default_grid(call)
        grid, created = Grid.objects.get_or_create(
            call=call,
            defaults={name: getattr(default, name) for name in columns("scale_labels")},
        )
        if created:
            for criterion in criteria:
                criterion.grid = grid
            Criterion.objects.bulk_create(criteria)
    return grid


@transaction.atomic
def grid_adopt(*, actor: User, call: Call) -> Grid:
    """The administrator starts from the ministry's grid to adapt it to the call."""
    if not actor.has_perm("evaluation.manage"):
        raise ApplicationError(_("Seul un administrateur du programme peut modifier la grille."))
    if Grid.objects.filter(call=call).exists():
        return Grid.objects.get(call=call)
    grid = grid_ensure(call=call)
    journal_record(target=call, actor=actor, action="grid.update", data={"adopted": "default"})
    return grid


def _require_editable(actor: User, grid: Grid) -> None:
    if not actor.has_perm("evaluation.manage"):
        raise ApplicationError(_("Seul un administrateur du programme peut modifier la grille."))
    if grid.is_frozen:
        raise ApplicationError(
            _(
                "La grille est figée depuis la première évaluation soumise : "
                "elle ne peut plus être modifiée."
            ),
            code="frozen",
        )


@transaction.atomic
def grid_update(*, actor: User, grid: Grid, **fields: Any) -> Grid:
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    changed = {name for name, value in fields.items() if getattr(grid, name) != value}
    # Dates and the procedure around the scoring are not rules of the scoring: they may change
    # after the grid is frozen.
    if changed - set(NOT_SCORING_RULES):
        _require_editable(actor, grid)
    elif not actor.has_perm("evaluation.manage"):
        raise ApplicationError(_("Seul un administrateur du programme peut modifier la grille."))
    if "scale_max" in changed and Score.objects.filter(criterion__grid=grid).exists():
        raise ApplicationError(
            _("Des notes ont déjà été saisies sur cette échelle : elle ne peut plus changer."),
            field="scale_max",
        )
    assign_fields(grid, fields, GRID_FIELDS)
    full_clean_or_refuse(grid)
    grid.save()
    journal_record(target=grid.call, actor=actor, action="grid.update")
    return grid


@transaction.atomic
def criterion_save(
    *, actor: User, grid: Grid, criterion: Criterion | None = None, **fields: Any
) -> Criterion:
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    _require_editable(actor, grid)
    criterion = criterion or Criterion(grid=grid)
    assign_fields(criterion, fields, CRITERION_FIELDS)
    full_clean_or_refuse(criterion)
    if criterion.min_score is not None and criterion.min_score > grid.scale_max:
        raise ApplicationError(
            _("La note minimum ne peut pas dépasser la note maximum de la grille."),
            field="min_score",
        )
    criterion.save()
    journal_record(target=grid.call, actor=actor, action="grid.update")
    return criterion


@transaction.atomic
def criterion_delete(*, actor: User, criterion: Criterion) -> None:
    grid = Grid.objects.select_for_update().get(pk=criterion.grid_id)
    _require_editable(actor, grid)
    if criterion.scores.exists():
        raise ApplicationError(
            _("Des évaluations en cours ont déjà noté ce critère : il ne peut plus être supprimé.")
        )
    criterion.delete()
    journal_record(target=grid.call, actor=actor, action="grid.update")


def ensure_grid_complete(grid: Grid) -> None:
    """Scoring needs a grid whose weights add up to 100."""
    total = weights_total(grid)
    if total != 100:
        raise ApplicationError(
            _("Les poids des critères totalisent %(total)s au lieu de 100 : corrigez la grille.")
            % {"total": total}
        )
