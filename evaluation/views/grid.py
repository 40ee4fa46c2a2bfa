"""The administrators' page for a call's evaluation grid: thresholds, scale and criteria,
editable until the first review is submitted."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from applications.models import Call
from core.errors import ApplicationError
from core.permissions import permission_required

from ..forms.grid import CriterionForm, GridForm
from ..services.grid import criterion_delete, criterion_save, grid_ensure, grid_update

MANAGE = "evaluation.manage"


def _call_and_grid(call_pk):
    call = get_object_or_404(Call, pk=call_pk)
    return call, grid_ensure(call=call)


def _refused(request, call, error):
    """A frozen grid (or any refusal that is not about one field): say why on the grid page."""
    messages.error(request, error.message)
    return redirect("evaluation:grid", call_pk=call.pk)


def _add_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


@permission_required(MANAGE)
def grid(request, call_pk):
    call, grid = _call_and_grid(call_pk)
    criteria = list(grid.criteria.all())
    weights_total = sum(criterion.weight for criterion in criteria)
    labels = grid.scale_labels
    scale = [
        (score, labels[score] if score < len(labels) else "") for score in range(grid.scale_max + 1)
    ]
    context = {
        "call": call,
        "grid": grid,
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
def grid_settings(request, call_pk):
    call, grid = _call_and_grid(call_pk)
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
    criterion = get_object_or_404(grid.criteria, pk=criterion_pk)
    if request.method == "POST":
        try:
            criterion_delete(actor=request.user, criterion=criterion)
        except ApplicationError as error:
            return _refused(request, call, error)
        messages.success(
            request, _("Le critère « %(label)s » a été supprimé.") % {"label": criterion.label}
        )
        return redirect("evaluation:grid", call_pk=call.pk)
    if grid.is_frozen:
        return redirect("evaluation:grid", call_pk=call.pk)
    return render(
        request,
        "evaluation/grid/criterion_delete.html",
        {"call": call, "grid": grid, "criterion": criterion},
    )
