"""Assignments: the administrators' board for a call, and the evaluator's declaration of
interests, which comes before any reading of the dossier."""

from django.contrib import messages
from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from applications.models import Call, Dossier
from core.errors import ApplicationError
from core.formatting import isolated_text, joined_text
from core.permissions import permission_required

from ..forms.assignment import AssignmentAddForm, AssignmentRemoveForm, InterestsForm
from ..models import Assignment, AssignmentStatus, Grid, ReviewStatus
from ..selectors.assignments import (
    ASSIGNABLE_STATUSES,
    EVALUATORS_PER_DOSSIER,
    LIVE_STATUSES,
    conflicted_pairs,
    evaluators_with_load,
    short_dossiers,
)
from ..services import assignment as services

MANAGE = "evaluation.manage"
SHOWN_STATUSES = (*LIVE_STATUSES, AssignmentStatus.WITHDRAWN_CONFLICT)


def _queue_url():
    # The evaluator's workspace is built alongside; until it exists, home.
    try:
        return reverse("evaluation:queue")
    except NoReverseMatch:
        return "/"


def _after_declaration_url(assignment):
    try:
        return reverse("evaluation:review", kwargs={"assignment_pk": assignment.pk})
    except NoReverseMatch:
        return _queue_url()


def _board(call):
    """Every assignable dossier of the call with its evaluators, the evaluators one may still
    add to it, and each evaluator's load: a fixed number of queries, whatever the sizes."""
    shown = Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(status__in=SHOWN_STATUSES)
        .select_related("evaluator", "review")
        .order_by("created_at"),
        to_attr="shown_assignments",
    )
    dossiers = list(
        Dossier.objects.filter(call=call, status__in=ASSIGNABLE_STATUSES)
        .select_related("cluster")
        .prefetch_related(shown)
        .order_by("reference")
    )
    evaluators = sorted(
        evaluators_with_load(call),
        key=lambda evaluator: (evaluator.full_name.casefold(), evaluator.pk),
    )
    conflicts = conflicted_pairs({dossier.cluster_id for dossier in dossiers})
    for dossier in dossiers:
        dossier.live = []
        dossier.withdrawn = []
        for assignment in dossier.shown_assignments:
            review = getattr(assignment, "review", None)
            assignment.review_submitted = bool(review and review.status == ReviewStatus.SUBMITTED)
            assignment.remove_form = AssignmentRemoveForm(auto_id=f"id_remove_{assignment.pk}_%s")
            (dossier.live if assignment.is_live else dossier.withdrawn).append(assignment)
        taken = {assignment.evaluator_id for assignment in dossier.live}
        candidates = [
            evaluator
            for evaluator in evaluators
            if evaluator.pk not in taken and (evaluator.pk, dossier.cluster_id) not in conflicts
        ]
        candidates.sort(key=lambda evaluator: evaluator.load)
        dossier.missing = max(EVALUATORS_PER_DOSSIER - len(dossier.live), 0)
        dossier.add_form = AssignmentAddForm(
            candidates=candidates, auto_id=f"id_add_{dossier.pk}_%s"
        )
    return dossiers, evaluators


@permission_required(MANAGE)
def assignment_board(request, call_pk):
    call = get_object_or_404(Call, pk=call_pk)
    grid = Grid.objects.filter(call=call).annotate(weights=Sum("criteria__weight")).first()
    dossiers, evaluators = _board(call)
    context = {
        "call": call,
        "grid": grid,
        "grid_complete": grid is not None and grid.weights == 100,
        "dossiers": dossiers,
        "short_count": sum(1 for dossier in dossiers if dossier.missing),
        "evaluators": evaluators,
        "per_dossier": EVALUATORS_PER_DOSSIER,
    }
    return render(request, "evaluation/assignment/board.html", context)


def call_panel(request, call, **_page):
    """The assignments' summary on the call's back-office page (nothing before admissibility)."""
    live = Count("assignments", filter=Q(assignments__status__in=LIVE_STATUSES))
    counts = (
        Dossier.objects.filter(call=call, status__in=ASSIGNABLE_STATUSES)
        .annotate(live=live)
        .aggregate(
            dossiers=Count("pk"), short=Count("pk", filter=Q(live__lt=EVALUATORS_PER_DOSSIER))
        )
    )
    if not counts["dossiers"]:
        return None
    return {"call": call, **counts}


def _back_to_board(call_pk, dossier_pk=None):
    url = reverse("evaluation:assignments", kwargs={"call_pk": call_pk})
    return redirect(f"{url}#dossier-{dossier_pk}" if dossier_pk else url)


@permission_required(MANAGE)
@require_POST
def assignment_add(request, call_pk, dossier_pk):
    dossier = get_object_or_404(Dossier, pk=dossier_pk, call_id=call_pk)
    form = AssignmentAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez l'évaluateur à ajouter dans la liste."))
        return _back_to_board(call_pk, dossier.pk)
    evaluator = form.cleaned_data["evaluator"]
    try:
        services.assignment_create(actor=request.user, dossier=dossier, evaluator=evaluator)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Le dossier %(reference)s est attribué à %(name)s, qui en est informé par e-mail.")
            % {"reference": dossier.reference, "name": isolated_text(evaluator.full_name)},
        )
    return _back_to_board(call_pk, dossier.pk)


@permission_required(MANAGE)
@require_POST
def assignment_remove(request, assignment_pk):
    assignment = get_object_or_404(
        Assignment.objects.select_related("dossier", "evaluator"), pk=assignment_pk
    )
    dossier = assignment.dossier
    form = AssignmentRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif du retrait."))
        return _back_to_board(dossier.call_id, dossier.pk)
    try:
        services.assignment_remove(
            actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s n'évalue plus le dossier %(reference)s.")
            % {
                "name": isolated_text(assignment.evaluator.full_name),
                "reference": dossier.reference,
            },
        )
    return _back_to_board(dossier.call_id, dossier.pk)


@permission_required(MANAGE)
@require_POST
def assignments_auto(request, call_pk):
    call = get_object_or_404(Call, pk=call_pk)
    try:
        created = services.assignments_auto(actor=request.user, call=call)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back_to_board(call.pk)
    if created:
        messages.success(
            request,
            ngettext(
                "%(count)s attribution créée ; les évaluateurs en sont informés par e-mail.",
                "%(count)s attributions créées ; les évaluateurs en sont informés par e-mail.",
                len(created),
            )
            % {"count": len(created)},
        )
    short = list(short_dossiers(call).values_list("reference", flat=True))
    if short:
        messages.warning(
            request,
            _(
                "Pas assez d'évaluateurs sans conflit d'intérêts : ces dossiers ont moins de "
                "%(count)s évaluateurs : %(references)s. Invitez d'autres évaluateurs."
            )
            % {"count": EVALUATORS_PER_DOSSIER, "references": joined_text(short)},
        )
    elif not created:
        messages.info(request, _("Chaque dossier a déjà ses évaluateurs : rien à attribuer."))
    return _back_to_board(call.pk)


@permission_required("evaluation.evaluate")
def interests_declare(request, assignment_pk):
    """Only the assigned evaluator reaches this page, and sees the cluster, never the dossier."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("dossier__call", "dossier__cluster"),
        pk=assignment_pk,
        evaluator=request.user,
        status__in=LIVE_STATUSES,
    )
    if assignment.status == AssignmentStatus.ACTIVE:
        messages.info(request, _("Votre déclaration d'intérêts pour ce dossier est enregistrée."))
        return redirect(_after_declaration_url(assignment))
    form = InterestsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.interests_declare(
                actor=request.user,
                assignment=assignment,
                has_conflict=form.has_conflict,
                statement=form.cleaned_data["statement"],
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            if form.has_conflict:
                messages.success(
                    request,
                    _(
                        "Votre conflit d'intérêts est enregistré : ce dossier vous est retiré et "
                        "les administrateurs du programme le confieront à un autre évaluateur."
                    ),
                )
                return redirect(_queue_url())
            messages.success(request, _("Merci : vous pouvez maintenant évaluer le dossier."))
            return redirect(_after_declaration_url(assignment))
    cluster = assignment.dossier.cluster
    context = {
        "assignment": assignment,
        "call": assignment.dossier.call,
        "cluster": cluster,
        "members": cluster.members.all(),
        "form": form,
    }
    return render(request, "evaluation/assignment/declare.html", context)
