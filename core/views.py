import logging
import sys

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .caching import cached_for_visitors, seconds_for_calls
from .dashboard import HOME, panels_for
from .health import database_state
from .logging import current_request_id
from .unavailable import is_database_unavailable, service_unavailable

logger = logging.getLogger(__name__)


@cached_for_visitors
def home(request):
    panels = panels_for(request, HOME)
    response = render(request, "core/home.html", {"panels": panels})
    # Panels name the calls whose opening, closing or countdown changes what they show.
    calls = [call for _template, context in panels for call in context.get("dated_calls", ())]
    response.visitor_seconds = seconds_for_calls(calls)
    return response


@login_required
def dashboard(request):
    return render(request, "core/dashboard.html", {"panels": panels_for(request)})


@require_GET
@never_cache
def healthz(request):
    checks = {"database": database_state()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # The page must render even when the database is what failed: no user, no queries.
    # A database lost in a middleware (the session's) reaches here rather than the middleware.
    if is_database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    try:
        # The id the director can quote to the help desk, found in the logs and error reports.
        return render(request, "500.html", {"request_id": current_request_id()}, status=500)
    except Exception:
        logger.exception("The 500 page itself failed to render")
        return HttpResponseServerError("Erreur interne du serveur / Internal server error")


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
