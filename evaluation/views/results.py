"""What the results show once published: the director's panel on their dossier, the decision
letter, and the selected clusters on the call's public page."""

from decimal import Decimal
from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Avg, OuterRef, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from applications.models import CallStatus
from core.formatting import written_html

from ..models import Criterion, Decision, ReviewStatus, Score
from ..selectors.ranking import selected_clusters


def criterion_means(dossier):
    """Each criterion of the dossier's grid with the mean of its submitted notes (one query)."""
    # Only this dossier's scores, found through its reviews: a join from the criteria would
    # aggregate every score of the call (27,000 for 1,000 dossiers) to keep 27.
    notes = (
        Score.objects.filter(
            criterion=OuterRef("pk"),
            review__status=ReviewStatus.SUBMITTED,
            review__assignment__dossier=dossier,
        )
        .values("criterion")
        .annotate(mean=Avg("value"))
        .values("mean")
    )
    return (
        Criterion.objects.filter(grid__call_id=dossier.call_id)
        .annotate(mean=Subquery(notes[:1]))
        .order_by("position", "pk")
    )


def _results_published(dossier):
    return dossier.call.status == CallStatus.RESULTS_PUBLISHED


def _related(row, name):
    try:
        return getattr(row, name)
    except ObjectDoesNotExist:
        return None


def _notes_and_comments(dossier, criteria):
    """Each criterion's mean note and the justifications given with it, and the reviews'
    comments in the order they were submitted: one query for the dossier's submitted notes."""
    notes = (
        Score.objects.filter(
            review__status=ReviewStatus.SUBMITTED, review__assignment__dossier=dossier
        )
        .order_by("review__submitted_at", "review_id", "pk")
        .values_list("criterion_id", "value", "justification", "review_id", "review__comment")
    )
    values, justifications, comments = {}, {}, {}
    for criterion_id, value, justification, review_id, comment in notes:
        values.setdefault(criterion_id, []).append(value)
        justifications.setdefault(criterion_id, []).append(justification)
        if comment:
            comments.setdefault(review_id, comment)
    for criterion in criteria:
        given = values.get(criterion.pk)
        criterion.mean = Decimal(sum(given)) / len(given) if given else None
        criterion.justifications = justifications.get(criterion.pk, [])
    return list(comments.values())


def result_panel(request, dossier=None, **_page):
    """On the dossier's page, once the results are published: the outcome, the scores per
    criterion and the evaluators' comments, never their names."""
    if dossier is None or not _results_published(dossier):
        return None
    if not request.user.has_perm("applications.view_dossier", dossier):
        return None
    # The decision with the dossier's consensus and mean (kept by the review service) and the
    # call's grid, in one query: the panel shows the dossier's scores, never its rank, so it
    # reads no ranking.
    decision = (
        Decision.objects.filter(dossier=dossier)
        .select_related("dossier__consensus", "dossier__review_summary", "dossier__call__grid")
        .first()
    )
    grid = _related(decision.dossier.call, "grid") if decision else None
    if grid is None:
        return None
    consensus = _related(decision.dossier, "consensus")
    summary = _related(decision.dossier, "review_summary")
    mean = summary.mean_total if summary else None
    criteria = list(Criterion.objects.filter(grid=grid).order_by("position", "pk"))
    return {
        "dossier": dossier,
        "decision": decision,
        # A director who sees the dossier is one of its cluster's people: the panel speaks to
        # them; the ministry's staff read it about the cluster.
        "to_cluster": request.user.is_director,
        "row": {"mean_total": mean, "final_score": consensus.score if consensus else mean},
        "grid": grid,
        "criteria": criteria,
        "comments": _notes_and_comments(dossier, criteria),
        "consensus": consensus,
    }


def selected_panel(request, call=None, **_page):
    """On the call's public page, once the results are published: the selected clusters."""
    if call is None or call.status != CallStatus.RESULTS_PUBLISHED:
        return None
    clusters = selected_clusters(call)
    return {"call": call, "count": len(clusters), "items": _selected_items(clusters)}


def _selected_items(clusters):
    """The list's items, written here once for all (escaped): a programme selects some 200
    clusters, and six lookups and a condition per item in the template cost more than
    the query that reads them."""
    items = []
    for cluster in clusters:
        name = escape(cluster["name"])
        if cluster["acronym"]:
            name += f" ({escape(cluster['acronym'])})"
        where = escape(f"{cluster['sector_label']} — {cluster['city']}, {cluster['region_label']}")
        items.append(
            f'<li class="list-group-item"><strong><bdi>{name}</bdi></strong>'
            f'<div class="small text-body-secondary"><bdi>{where}</bdi></div></li>'
        )
    return written_html("".join(items))


@login_required
def decision_letter(request, decision_pk):
    decision = get_object_or_404(
        Decision.objects.select_related("dossier__call", "dossier__cluster"), pk=decision_pk
    )
    dossier = decision.dossier
    if not _results_published(dossier) or not request.user.has_perm(
        "applications.view_dossier", dossier
    ):
        raise Http404
    if not decision.letter:
        messages.info(
            request,
            _("La lettre de décision est en cours de préparation : réessayez dans un instant."),
        )
        return redirect("applications:dossier_detail", pk=dossier.pk)
    return FileResponse(
        decision.letter.open("rb"),
        as_attachment=True,
        filename=f"{dossier.reference}-decision.pdf",
        content_type="application/pdf",
    )
