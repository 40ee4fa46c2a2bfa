"""The project's URLs plus one view that fails, to see the 500 page a user would get."""

from django.urls import path

from clusters_portal.urls import handler500
from clusters_portal.urls import urlpatterns as project_urlpatterns


def broken(request):
    raise RuntimeError("A deliberate failure for the 500 page test")


urlpatterns = [path("boom/", broken), *project_urlpatterns]
__all__ = ["handler500", "urlpatterns"]
