"""The selection committee's pages: the ranking of a call, consensus scores, decisions, the
exports, and the publication of the results."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import recent_login_required
from applications.models import Call, CallStatus, Dossier, DossierStatus
from core.errors import ApplicationError
from core.permissions import permission_required

from .. import exports
from ..forms.selection import ConsensusForm, DecisionForm
from ..models import Review, ReviewStatus
from ..selectors import ranking as rankings
from ..selectors.publication import publication_blockers
from ..selectors.ranking import RANKED_STATUSES, ranked_row
from ..services.selection import (
    PublicationBlocked,
    consensus_record,
    decision_set,
    results_publish,
)
from .ranking_rows import RankingRows
from .results import criterion_means

VIEW_RANKING = "evaluation.view_ranking"
RANKING_PAGE_SIZE = 250
DECIDE = "evaluation.decide"
MANAGE = "evaluation.manage"


def _grid_of(call):
    try:
        return call.grid
    except ObjectDoesNotExist:
        return None


def _call_or_404(call_pk):
    return get_object_or_404(
        Call.objects.exclude(status=CallStatus.DRAFT).select_related("grid"), pk=call_pk
    )


def _ranked_call_or_404(call_pk):
    """A call with a grid: without one there is nothing to rank."""
    call = _call_or_404(call_pk)
    if _grid_of(call) is None:
        raise Http404
    return call


def _results_published(call):
    return call.status == CallStatus.RESULTS_PUBLISHED


def _ranking_url(call_id, dossier_pk=None):
    url = reverse("evaluation:ranking", args=[call_id])
    if not dossier_pk:
        return url
    call = Call.objects.select_related("grid").get(pk=call_id)
    order = list(rankings.ranking(call).values_list("pk", flat=True))
    rank = order.index(dossier_pk) + 1 if dossier_pk in order else 1
    page = (rank - 1) // RANKING_PAGE_SIZE + 1
    return f"{url}?page={page}#dossier-{dossier_pk}" if page > 1 else f"{url}#dossier-{dossier_pk}"


def _may_open_dossiers(user):
    """Whether the reader opens the dossiers of the ranking. For those who read it (the
    committee, administrators) the rule depends on their role and on a dossier not being a
    draft, which no ranked dossier is: one check stands for every line."""
    return user.has_perm(
        "applications.view_dossier", Dossier(status=DossierStatus.UNDER_EVALUATION)
    )


@permission_required(VIEW_RANKING)
def ranking(request, call_pk):
    call = _call_or_404(call_pk)
    grid = _grid_of(call)
    figures = exports.ranking_figures(call) if grid else None
    ranked = figures.ranked if figures else 0
    page = Paginator(range(ranked), RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    lines = []
    if ranked:
        lines = exports.ranking_lines(call, page.start_index() - 1, page.end_index())
    open_for_decisions = call.is_closed() and not _results_published(call)
    can_decide = open_for_decisions and request.user.has_perm(DECIDE)
    rows = RankingRows(
        call,
        may_open=bool(lines) and _may_open_dossiers(request.user),
        can_decide=can_decide,
        # One token for every decision form of the page.
        csrf_input=format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        )
        if can_decide
        else "",
    )
    money = rows.numbers.money
    can_publish = open_for_decisions and request.user.has_perm(MANAGE)
    return render(
        request,
        "evaluation/ranking/ranking.html",
        {
            "call": call,
            "grid": grid,
            "ranked": ranked,
            "figures": figures,
            "committed": figures and money(figures.committed),
            "envelope": money(call.budget_envelope),
            "remaining": figures and money(figures.remaining),
            "lines": rows.shown(lines),
            "page": page,
            "can_publish": can_publish,
            "blockers": publication_blockers(call) if can_publish and ranked else [],
            "published": _results_published(call),
        },
    )


@permission_required(VIEW_RANKING)
def ranking_csv(request, call_pk):
    return exports.ranking_csv(_ranked_call_or_404(call_pk))


@permission_required(VIEW_RANKING)
def scores_csv(request, call_pk):
    return exports.scores_csv(_ranked_call_or_404(call_pk))


@permission_required(VIEW_RANKING)
def ranking_xlsx(request, call_pk):
    return exports.ranking_xlsx(_ranked_call_or_404(call_pk))


def _ranked_dossier_or_404(dossier_pk):
    dossier = get_object_or_404(
        Dossier.objects.select_related("call__grid", "cluster"),
        pk=dossier_pk,
        status__in=RANKED_STATUSES,
    )
    if _grid_of(dossier.call) is None:
        raise Http404
    return dossier


def _reviews_side_by_side(dossier):
    """The submitted reviews as columns, the criteria as rows: (criterion, [score…])."""
    reviews = list(
        Review.objects.filter(assignment__dossier=dossier, status=ReviewStatus.SUBMITTED)
        .select_related("assignment__evaluator")
        .prefetch_related("scores")
        .order_by("submitted_at", "pk")
    )
    notes = {
        (score.review_id, score.criterion_id): score
        for review in reviews
        for score in review.scores.all()
    }
    rows = [
        (criterion, [notes.get((review.pk, criterion.pk)) for review in reviews])
        for criterion in criterion_means(dossier)
    ]
    return reviews, rows


@permission_required(DECIDE)
def consensus(request, dossier_pk):
    dossier = _ranked_dossier_or_404(dossier_pk)
    call = dossier.call
    row = ranked_row(dossier, call)
    try:
        existing = row.consensus
    except ObjectDoesNotExist:
        existing = None
    initial = {"score": existing.score, "justification": existing.justification} if existing else {}
    form = ConsensusForm(request.POST or None, initial=initial)
    can_record = row.divergent and row.review_count >= 2 and not _results_published(call)
    if request.method == "POST" and can_record and form.is_valid():
        try:
            consensus_record(actor=request.user, dossier=dossier, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("La note de consensus de %(reference)s est enregistrée : %(score)s / 100.")
                % {"reference": dossier.reference, "score": form.cleaned_data["score"]},
            )
            return redirect(_ranking_url(call.pk, dossier.pk))
    reviews, criteria = _reviews_side_by_side(dossier)
    return render(
        request,
        "evaluation/ranking/consensus.html",
        {
            "call": call,
            "dossier": dossier,
            "row": row,
            "reviews": reviews,
            "criteria": criteria,
            "consensus": existing,
            "form": form,
            "can_record": can_record,
        },
    )


@permission_required(DECIDE)
@require_POST
def decision(request, dossier_pk):
    dossier = _ranked_dossier_or_404(dossier_pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Choisissez une décision : retenu, liste d'attente ou non retenu.")
        )
        return redirect(_ranking_url(dossier.call_id, dossier.pk))
    try:
        made = decision_set(
            actor=request.user, dossier=dossier, outcome=form.cleaned_data["outcome"]
        )
    except ApplicationError as error:
        messages.error(request, f"{dossier.reference} : {error.message}")
    else:
        messages.success(
            request,
            _("Décision enregistrée pour %(reference)s : %(outcome)s.")
            % {"reference": dossier.reference, "outcome": made.get_outcome_display()},
        )
    return redirect(_ranking_url(dossier.call_id, dossier.pk))


def _linked(blocker):
    """One blocker in words, each dossier it names a link to its page."""
    if not blocker.dossiers:
        return format_html("{}.", blocker.text)
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        (
            (reverse("applications:dossier_detail", args=[dossier.pk]), dossier.reference)
            for dossier in blocker.dossiers
        ),
    )
    # The translated sentence is the template; format_html escapes the problem's words and
    # keeps the links it built itself.
    sentence = _("%(problem)s : %(list)s.") % {"problem": "{problem}", "list": "{list}"}
    return format_html(sentence, problem=blocker.text, list=links)


def _refusal(blocked):
    """The service's refusal, naming and linking the dossiers that block the publication."""
    return format_html(
        "{} {}",
        _("Les résultats ne peuvent pas encore être publiés."),
        format_html_join(" ", "{}", ((_linked(blocker),) for blocker in blocked.blockers)),
    )


@permission_required(MANAGE)
@recent_login_required
def publish(request, call_pk):
    call = _ranked_call_or_404(call_pk)
    if request.method == "POST":
        try:
            results_publish(actor=request.user, call=call)
        except PublicationBlocked as blocked:
            messages.error(request, _refusal(blocked))
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "Les résultats sont publiés. Chaque directeur reçoit sa lettre de décision "
                    "par e-mail ; la page publique de l'appel liste les clusters retenus."
                ),
            )
            return redirect("evaluation:ranking", call_pk=call.pk)
    return render(
        request,
        "evaluation/ranking/publish_confirm.html",
        {
            "call": call,
            "figures": exports.ranking_figures(call),
            "blockers": publication_blockers(call),
            "published": _results_published(call),
            "closed": call.is_closed(),
        },
    )


def calls_panel(request, **_page):
    """On the committee's and administrators' dashboard: the closed calls and their ranking."""
    if not request.user.has_perm(VIEW_RANKING):
        return None
    calls = (
        Call.objects.exclude(status=CallStatus.DRAFT)
        .filter(closes_at__lte=timezone.now())
        .order_by("-closes_at")[:6]
    )
    return {"calls": list(calls)}
