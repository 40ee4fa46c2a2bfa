"""The project's URLs plus views that fail, to see the 500 page a user would get and the error
report that leaves, and one that writes a log line, to see what the line says."""

import logging

from django.http import HttpResponse
from django.urls import path

from clusters_portal.urls import handler500
from clusters_portal.urls import urlpatterns as project_urlpatterns

logger = logging.getLogger("core.tests")


def broken(request):
    raise RuntimeError("A deliberate failure for the 500 page test")


def broken_with_personal_data(request):
    # What careless code could do: name the person in a log line and in the error itself.
    logger.warning("Looking up the cluster of %s", request.user.email)
    raise ValueError(f"No cluster for {request.user.email}")


def logged(request):
    # Before anything reads request.user: the line must still name the person.
    logger.warning("A line written by a view")
    return HttpResponse("logged")


urlpatterns = [
    path("boom/", broken),
    path("boom-personal/", broken_with_personal_data),
    path("logged/", logged),
    *project_urlpatterns,
]
__all__ = ["handler500", "urlpatterns"]
