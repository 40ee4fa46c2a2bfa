"""What the evaluation adds to pages made of panels (core.dashboard)."""

from django.utils import timezone

from accounts.models import Role
from applications.models import Call, CallStatus
from core.dashboard import BACKOFFICE_CALL, CALL_DETAIL, DASHBOARD, DOSSIER_DETAIL, register_panel

from .models import AssignmentStatus
from .selectors.assignments import evaluator_queue
from .views import assignment, results


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


def register():
    register_panel(
        page=DOSSIER_DETAIL,
        template="evaluation/results/_dossier_panel.html",
        context=results.result_panel,
        order=20,
    )
    register_panel(
        page=CALL_DETAIL,
        template="evaluation/results/_call_panel.html",
        context=results.selected_panel,
    )
    register_panel(
        page=BACKOFFICE_CALL,
        roles=[Role.ADMINISTRATOR],
        template="evaluation/_stages_panel.html",
        context=stages_panel,
        order=10,
    )
    register_panel(
        page=DASHBOARD,
        roles=[Role.EVALUATOR],
        template="evaluation/_evaluator_panel.html",
        context=evaluator_panel,
    )
    register_panel(
        page=DASHBOARD,
        roles=[Role.COMMITTEE, Role.ADMINISTRATOR],
        template="evaluation/_committee_panel.html",
        context=committee_panel,
        order=20,
    )
    register_panel(
        page=BACKOFFICE_CALL,
        roles=[Role.ADMINISTRATOR],
        template="evaluation/assignment/_call_panel.html",
        context=assignment.call_panel,
        order=20,
    )
