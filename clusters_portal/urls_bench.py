"""The portal's URLs plus the benchmark's two floors; used only by the bench settings."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from .urls import handler403, handler404, handler500
from .urls import urlpatterns as portal_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def baseline(request):
    """The floor every page is compared with: Django's middleware and routing, no database,
    no session, no template."""
    return HttpResponse(b"baseline\n", content_type="text/plain; charset=utf-8")


@login_required
def signed_in(request):
    """The floor of a signed-in page: every middleware with the person's session and user
    loaded, no template, no query of its own."""
    return HttpResponse(b"signed in\n", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("bench/baseline/", baseline, name="bench_baseline"),
    path("bench/signed-in/", signed_in, name="bench_signed_in"),
    *portal_urlpatterns,
]
