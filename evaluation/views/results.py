"""What the results show once published: the director's panel on their dossier, the decision
letter, and the selected clusters on the call's public page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Avg, OuterRef, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from applications.models import Call

from ..models import Criterion, Decision, Review, Score
from ..selectors import selected_clusters
from ..services.selection import ranked_row


def criterion_means(dossier):
    """Each criterion of the dossier's grid with the mean of its submitted notes (one query)."""
    # Only this dossier's scores, found through its reviews: a join from the criteria would
    # aggregate every score of the call (27,000 for 1,000 dossiers) to keep 27.
    notes = (
        Score.objects.filter(
            criterion=OuterRef("pk"),
            review__status=Review.Status.SUBMITTED,
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
    return dossier.call.status == Call.Status.RESULTS_PUBLISHED


def _consensus_of(dossier):
    try:
        return dossier.consensus
    except ObjectDoesNotExist:
        return None


def result_panel(request, dossier=None, **_page):
    """On the dossier's page, once the results are published: the outcome, the scores per
    criterion and the evaluators' comments, never their names."""
    if dossier is None or not _results_published(dossier) or not hasattr(dossier.call, "grid"):
        return None
    if not request.user.has_perm("applications.view_dossier", dossier):
        return None
    decision = Decision.objects.filter(dossier=dossier).first()
    if decision is None:
        return None
    grid = dossier.call.grid
    scores = Score.objects.filter(
        review__status=Review.Status.SUBMITTED, review__assignment__dossier=dossier
    ).order_by("criterion_id", "review__submitted_at", "pk")
    justifications = {}
    for score in scores:
        justifications.setdefault(score.criterion_id, []).append(score.justification)
    criteria = list(criterion_means(dossier))
    for criterion in criteria:
        criterion.justifications = justifications.get(criterion.pk, [])
    comments = list(
        Review.objects.filter(assignment__dossier=dossier, status=Review.Status.SUBMITTED)
        .exclude(comment="")
        .order_by("submitted_at", "pk")
        .values_list("comment", flat=True)
    )
    return {
        "dossier": dossier,
        "decision": decision,
        "row": ranked_row(dossier),
        "grid": grid,
        "criteria": criteria,
        "comments": comments,
        "consensus": _consensus_of(dossier),
    }


def selected_panel(request, call=None, **_page):
    """On the call's public page, once the results are published: the selected clusters."""
    if call is None or call.status != Call.Status.RESULTS_PUBLISHED:
        return None
    return {"call": call, "clusters": selected_clusters(call)}


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
