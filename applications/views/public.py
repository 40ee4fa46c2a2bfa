"""Pages anyone may read, signed in or not: the calls and their rules."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.caching import cached_for_visitors, seconds_for_calls
from core.dashboard import CALL_DETAIL, panels_for

from .. import selectors
from ..models import Call, CallStatus

# What the dates say of a call, in words, for its status tag.
PHASE_LABELS = {
    "draft": _("Brouillon"),
    "upcoming": _("À venir"),
    "open": _("Ouvert"),
    "closed": _("Clos"),
    "results": _("Résultats publiés"),
}


def with_phase(calls, now):
    """Each call with its phase at `now` and the phase's label, for the status tags."""
    for call in calls:
        call.current_phase = call.phase(now)
        call.phase_label = PHASE_LABELS[call.current_phase]
    return calls


def visible_call(request, reference):
    """The call, or a 404 for a draft the visitor may not see (as if it did not exist)."""
    call = get_object_or_404(Call, reference=reference)
    if not request.user.has_perm("applications.view_call", call):
        raise Http404
    return call


def _dossier_start_url(call):
    # The dossier pages come from another part of the app; until they exist the address
    # they will answer at is the call's own, followed by "candidater/".
    try:
        return reverse("applications:dossier_start", kwargs={"reference": call.reference})
    except NoReverseMatch:
        return reverse("applications:call_detail", args=[call.reference]) + "candidater/"


@cached_for_visitors
def call_list(request):
    now = timezone.now()
    calls = with_phase(list(selectors.published_calls()), now)
    open_calls = sorted((c for c in calls if c.current_phase == "open"), key=lambda c: c.closes_at)
    upcoming = sorted((c for c in calls if c.current_phase == "upcoming"), key=lambda c: c.opens_at)
    past = [c for c in calls if c.current_phase in ("closed", "results")]
    response = render(
        request,
        "applications/public/call_list.html",
        {"open_calls": open_calls, "upcoming_calls": upcoming, "past_calls": past, "now": now},
    )
    response.visitor_seconds = seconds_for_calls(calls, now)
    return response


@cached_for_visitors
def call_detail(request, reference):
    call = visible_call(request, reference)
    now = timezone.now()
    with_phase([call], now)
    user = request.user
    response = render(
        request,
        "applications/public/call_detail.html",
        {
            "call": call,
            "now": now,
            "documents": call.required_documents.all(),
            "can_apply": call.is_open(now) and (not user.is_authenticated or user.is_director),
            "dossier_start_url": _dossier_start_url(call),
            # Later stages (the results) add their own sections to the call's page.
            "panels": panels_for(request, CALL_DETAIL, call=call),
        },
    )
    if call.status != CallStatus.DRAFT:
        response.visitor_seconds = seconds_for_calls([call], now)
    return response


def call_specification(request, reference):
    call = visible_call(request, reference)
    if not call.specification:
        raise Http404
    try:
        handle = call.specification.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"cahier-des-charges-{call.reference}.pdf",
        content_type="application/pdf",
    )
