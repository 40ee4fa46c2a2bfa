"""The evaluator's workspace: the queue, the dossier side by side with the scoring form, the
files; and the administrator's reopening of a submitted review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.choices import ScanStatus
from applications.models import Dossier
from applications.sections import task_list
from applications.selectors import dossier_for_page
from core.dashboard import EVALUATION_WORKSPACE, panels_for
from core.errors import ApplicationError
from core.formatting import Numbers
from core.journal import journal_for
from core.permissions import permission_required
from core.templatetags.portal import deadline

from ..forms.workspace import ReasonForm, ReviewForm
from ..models import AssignmentStatus, Review, ReviewStatus
from ..selectors.assignments import evaluator_queue_lines, live_assignments
from ..selectors.reviews import review_missing, review_weighted_total
from ..services import reviews as services
from .ranking_rows import url_with_pk

# What the evaluator has to do next on a line of the queue, read from the assignment's and
# the review's statuses (a step, not a third status).
DECLARE, TO_SCORE, DRAFT, SUBMITTED = "declare", "to_score", "draft", "submitted"


def _next_step(line):
    if line["status"] == AssignmentStatus.AWAITING_DECLARATION:
        return DECLARE
    if line["review_status"] is None:
        return TO_SCORE
    return SUBMITTED if line["review_status"] == ReviewStatus.SUBMITTED else DRAFT


def _queue_lines(user):
    """The queue's lines, what is still to do first (by deadline), submitted reviews last;
    each deadline written once for all its lines, each line's URL without a reverse()."""
    lines = list(evaluator_queue_lines(user))
    now = timezone.now()
    numbers = Numbers()
    out_of_100 = _("%(total)s / 100")
    urls = {
        DECLARE: url_with_pk("evaluation:declare"),
        TO_SCORE: url_with_pk("evaluation:review"),
    }
    deadlines = {}
    for line in lines:
        line["next_step"] = step = _next_step(line)
        line["url"] = urls.get(step, urls[TO_SCORE])(line["pk"])
        moment = line["deadline"]
        if moment is not None and moment not in deadlines:
            deadlines[moment] = render_to_string("partials/deadline.html", deadline(moment, now))
        line["deadline_html"] = deadlines.get(moment)
        if step == SUBMITTED:
            line["total"] = out_of_100 % {"total": numbers.decimal(line["review_total"])}
    lines.sort(key=lambda line: line["next_step"] == SUBMITTED)
    return lines


@permission_required("evaluation.evaluate")
def queue(request):
    return render(
        request, "evaluation/workspace/queue.html", {"assignments": _queue_lines(request.user)}
    )


class _AwaitingDeclaration(Exception):
    def __init__(self, assignment):
        self.assignment = assignment


def _assignment(request, assignment_pk):
    """The person's own live assignment; 404 for anyone else's, or a withdrawn one."""
    if not request.user.has_perm("evaluation.evaluate"):
        raise Http404
    assignment = get_object_or_404(
        live_assignments()
        .filter(evaluator=request.user)
        .select_related("dossier__call__grid", "dossier__cluster"),
        pk=assignment_pk,
    )
    if assignment.status == AssignmentStatus.AWAITING_DECLARATION:
        raise _AwaitingDeclaration(assignment)
    return assignment


def _declaration_first(view):
    """An evaluator opens a dossier only after declaring no conflict of interest."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _AwaitingDeclaration as waiting:
            messages.info(
                request,
                _("Déclarez d'abord l'absence de conflit d'intérêts pour ouvrir ce dossier."),
            )
            return redirect("evaluation:declare", assignment_pk=waiting.assignment.pk)

    return login_required(wrapped)


def _review(assignment):
    return (
        Review.objects.filter(assignment=assignment).prefetch_related("scores__criterion").first()
    )


def _grid(assignment):
    """The call's grid, read with the assignment: an assignment is only ever made once its
    call's grid is complete (`assignment_create`), so a page shown to its evaluator never
    has to create one."""
    return assignment.dossier.call.grid


def _workspace(request, assignment, form=None, status=200):
    grid = _grid(assignment)
    criteria = list(grid.criteria.all())
    review = _review(assignment)
    dossier = dossier_for_page(Dossier.objects.filter(pk=assignment.dossier_id)).get()
    submitted = review is not None and review.status == ReviewStatus.SUBMITTED
    if form is None and not submitted:
        form = ReviewForm(grid=grid, criteria=criteria, review=review)
    context = {
        "assignment": assignment,
        "dossier": dossier,
        "rows": task_list(dossier)[0],
        "grid": grid,
        "criteria": criteria,
        "review": review,
        "submitted": submitted,
        "form": form,
        "draft_total": review_weighted_total(review, grid) if review and not submitted else 0,
        # Later stages add what evaluators should know (a returning cluster's record).
        "panels": panels_for(request, EVALUATION_WORKSPACE, dossier=dossier),
    }
    if submitted:
        context["scores"] = sorted(review.scores.all(), key=lambda s: criteria.index(s.criterion))
        context["reopen_form"] = ReasonForm()
        context["reopen_requested"] = (
            journal_for(assignment.dossier)
            .filter(action="review.reopen_request", created_at__gte=review.submitted_at)
            .filter(data__review=review.pk)
            .order_by("-created_at")
            .first()
        )
    return render(request, "evaluation/workspace/review.html", context, status=status)


@_declaration_first
def review(request, assignment_pk):
    assignment = _assignment(request, assignment_pk)
    if request.method != "POST":
        return _workspace(request, assignment)
    grid = _grid(assignment)
    saved = _review(assignment)
    if saved is not None and saved.status == ReviewStatus.SUBMITTED:
        messages.error(request, _("Votre évaluation est déjà soumise : elle est définitive."))
        return redirect("evaluation:review", assignment_pk=assignment.pk)
    form = ReviewForm(request.POST, grid=grid, criteria=grid.criteria.all(), review=saved)
    if not form.is_valid():
        return _workspace(request, assignment, form)
    try:
        review = services.review_save(
            actor=request.user,
            assignment=assignment,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
        )
    except ApplicationError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _workspace(request, assignment, form)
    if request.POST.get("action") != "submit":
        messages.success(request, _("Votre brouillon est enregistré."))
        return redirect("evaluation:review", assignment_pk=assignment.pk)
    missing = review_missing(review, form.criteria)
    if missing:
        form.add_error(
            None,
            _("Le brouillon est enregistré, mais l'évaluation ne peut pas encore être soumise."),
        )
        for _criterion, note, justification in form.rows():
            if form.cleaned_data[note.name] is None:
                form.add_error(note.name, _("Choisissez une note et justifiez-la."))
            elif not form.cleaned_data[justification.name]:
                form.add_error(justification.name, _("Justifiez la note de ce critère."))
        return _workspace(request, assignment, form)
    return redirect("evaluation:review_submit", assignment_pk=assignment.pk)


@_declaration_first
def review_submit(request, assignment_pk):
    """The last step: the total and the notes once more, then a final submission."""
    assignment = _assignment(request, assignment_pk)
    grid = _grid(assignment)
    criteria = list(grid.criteria.all())
    review = _review(assignment)
    if review is not None and review.status == ReviewStatus.SUBMITTED:
        return redirect("evaluation:review", assignment_pk=assignment.pk)
    if request.method == "POST":
        try:
            services.review_submit(actor=request.user, assignment=assignment)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Votre évaluation est soumise. Merci."))
        return redirect("evaluation:review", assignment_pk=assignment.pk)
    missing = review_missing(review, criteria)
    if missing:
        messages.error(request, _("L'évaluation est incomplète : %s.") % " ; ".join(missing))
        return redirect("evaluation:review", assignment_pk=assignment.pk)
    scores = {score.criterion_id: score for score in review.scores.all()}
    context = {
        "assignment": assignment,
        "dossier": assignment.dossier,
        "grid": grid,
        "review": review,
        "rows": [(criterion, scores[criterion.pk]) for criterion in criteria],
        "total": review_weighted_total(review, grid),
    }
    return render(request, "evaluation/workspace/confirm.html", context)


@require_POST
@_declaration_first
def reopen_request(request, assignment_pk):
    assignment = _assignment(request, assignment_pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.review_reopen_request(
                actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Votre demande est envoyée aux administrateurs du programme."),
            )
    else:
        messages.error(request, form.errors["reason"][0])
    return redirect("evaluation:review", assignment_pk=assignment.pk)


@_declaration_first
def document(request, assignment_pk, document_pk):
    assignment = _assignment(request, assignment_pk)
    file = get_object_or_404(
        assignment.dossier.documents.filter(scan_status=ScanStatus.CLEAN), pk=document_pk
    )
    return FileResponse(
        file.file.open("rb"),
        as_attachment=True,
        filename=file.original_name,
        content_type=file.content_type,
    )


@permission_required("evaluation.manage")
def review_reopen(request, review_pk):
    """An administrator turns a submitted review back into a draft, with a reason."""
    review = get_object_or_404(
        Review.objects.select_related(
            "assignment__dossier__call", "assignment__dossier__cluster", "assignment__evaluator"
        ),
        pk=review_pk,
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_reopen(
                actor=request.user, review=review, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(
                request,
                _("L'évaluation est rouverte : l'évaluateur en est informé par e-mail."),
            )
            return redirect("evaluation:review_reopen", review_pk=review.pk)
    requests = journal_for(review.assignment.dossier).filter(
        action="review.reopen_request", data__review=review.pk
    )
    context = {
        "review": review,
        "dossier": review.assignment.dossier,
        "form": form,
        "last_request": requests.order_by("-created_at").first(),
    }
    return render(request, "evaluation/workspace/reopen.html", context)
