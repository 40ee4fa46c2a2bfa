"""The administrators' page for a call's evaluation grid: thresholds, scale and criteria,
editable until the first review is submitted."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Call
from core.errors import ApplicationError
from core.formatting import isolated_text
from core.permissions import permission_required

from ..forms.grid import CriterionForm, GridForm
from ..models import Grid
from ..selectors.reviews import call_grid
from ..services.grid import criterion_delete, criterion_save, grid_adopt, grid_update

MANAGE = "evaluation.manage"


def _call_and_grid(call_pk):
    """The call and its own grid, None while it shows the ministry's (not adapted yet)."""
    call = get_object_or_404(Call, pk=call_pk)
    return call, Grid.objects.filter(call=call).first()


def _not_adapted(call):
    return redirect("evaluation:grid", call_pk=call.pk)


def _refused(request, call, error):
    """A frozen grid (or any refusal that is not about one field): say why on the grid page."""
    messages.error(request, error.message)
    return redirect("evaluation:grid", call_pk=call.pk)


def _add_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


@permission_required(MANAGE)
def grid(request, call_pk):
    call = get_object_or_404(Call, pk=call_pk)
    grid, criteria = call_grid(call)
    weights_total = sum(criterion.weight for criterion in criteria)
    labels = grid.scale_labels
    scale = [
        (score, labels[score] if score < len(labels) else "") for score in range(grid.scale_max + 1)
    ]
    context = {
        "call": call,
        "grid": grid,
        # The ministry's grid (unsaved) is adapted first; a frozen one no longer changes.
        "editable": grid.pk is not None and not grid.is_frozen,
        "criteria": criteria,
        "weights_total": weights_total,
        "weights_missing": 100 - weights_total,
        "scale": scale,
        "min_percent": grid.criterion_min_ratio * 100,
        # Below this note, a criterion without its own minimum makes the dossier ineligible.
        "grid_min_score": grid.criterion_min_ratio * grid.scale_max,
    }
    return render(request, "evaluation/grid/grid.html", context)


@permission_required(MANAGE)
@require_POST
def grid_adapt(request, call_pk):
    """Save the ministry's grid as the call's own, to adapt it."""
    call = get_object_or_404(Call, pk=call_pk)
    try:
        grid_adopt(actor=request.user, call=call)
    except ApplicationError as error:
        return _refused(request, call, error)
    messages.success(request, _("La grille du ministère est copiée pour cet appel : adaptez-la."))
    return redirect("evaluation:grid", call_pk=call.pk)


@permission_required(MANAGE)
def grid_settings(request, call_pk):
    call, grid = _call_and_grid(call_pk)
    if grid is None:
        return _not_adapted(call)
    if request.method != "POST" and grid.is_frozen:
        return redirect("evaluation:grid", call_pk=call.pk)
    form = GridForm.for_grid(grid, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            grid_update(actor=request.user, grid=grid, **form.grid_fields())
        except ApplicationError as error:
            if error.code == "frozen":
                return _refused(request, call, error)
            if error.field == "criterion_min_ratio":
                error.field = "criterion_min_percent"
            _add_error(form, error)
        else:
            messages.success(request, _("Les paramètres de la grille sont enregistrés."))
            return redirect("evaluation:grid", call_pk=call.pk)
    return render(
        request, "evaluation/grid/settings_form.html", {"call": call, "grid": grid, "form": form}
    )


@permission_required(MANAGE)
def criterion_edit(request, call_pk, criterion_pk=None):
    call, grid = _call_and_grid(call_pk)
    if grid is None:
        return _not_adapted(call)
    criterion = get_object_or_404(grid.criteria, pk=criterion_pk) if criterion_pk else None
    if request.method != "POST" and grid.is_frozen:
        return redirect("evaluation:grid", call_pk=call.pk)
    others = sum(c.weight for c in grid.criteria.all() if criterion is None or c.pk != criterion.pk)
    form = CriterionForm(
        request.POST if request.method == "POST" else None,
        instance=criterion,
        initial=None if criterion else {"position": grid.criteria.count()},
        grid=grid,
        others_weight=others,
    )
    if request.method == "POST" and form.is_valid():
        try:
            criterion_save(
                actor=request.user, grid=grid, criterion=criterion, **form.criterion_fields()
            )
        except ApplicationError as error:
            if error.code == "frozen":
                return _refused(request, call, error)
            _add_error(form, error)
        else:
            messages.success(request, _("Le critère est enregistré."))
            return redirect("evaluation:grid", call_pk=call.pk)
    context = {"call": call, "grid": grid, "form": form, "criterion": criterion}
    return render(request, "evaluation/grid/criterion_form.html", context)


@permission_required(MANAGE)
def criterion_remove(request, call_pk, criterion_pk):
    call, grid = _call_and_grid(call_pk)
    if grid is None:
        return _not_adapted(call)
    criterion = get_object_or_404(grid.criteria, pk=criterion_pk)
    if request.method == "POST":
        try:
            criterion_delete(actor=request.user, criterion=criterion)
        except ApplicationError as error:
            return _refused(request, call, error)
        messages.success(
            request,
            _("Le critère « %(label)s » a été supprimé.")
            % {"label": isolated_text(criterion.label)},
        )
        return redirect("evaluation:grid", call_pk=call.pk)
    if grid.is_frozen:
        return redirect("evaluation:grid", call_pk=call.pk)
    return render(
        request,
        "evaluation/grid/criterion_delete.html",
        {"call": call, "grid": grid, "criterion": criterion},
    )
