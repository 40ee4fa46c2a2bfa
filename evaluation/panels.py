"""What the evaluation adds to other apps' pages (registered in apps.py)."""

from django.utils import timezone

from applications.models import Call, CallStatus

from .models import AssignmentStatus
from .selectors import evaluator_queue


def stages_panel(request, call=None, **_page):
    """On a call's back-office page: the way to each stage of its evaluation."""
    if call is None or not call.is_published:
        return None
    return {"call": call, "closed": call.is_closed()}


def evaluator_panel(request, **_page):
    """The evaluator's work at a glance, on their space."""
    queue = list(evaluator_queue(request.user))
    waiting = sum(
        1 for assignment in queue if assignment.status == AssignmentStatus.AWAITING_DECLARATION
    )
    submitted = sum(
        1
        for assignment in queue
        if getattr(assignment, "review", None) and assignment.review.status == "submitted"
    )
    return {"total": len(queue), "waiting": waiting, "submitted": submitted}


def committee_panel(request, **_page):
    """Calls whose dossiers are being evaluated or decided: the way to their ranking."""
    calls = Call.objects.filter(status=CallStatus.PUBLISHED, closes_at__lte=timezone.now())
    return {"calls": list(calls.order_by("-closes_at")[:6])}
