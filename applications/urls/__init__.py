"""The app's URLs, one module per audience: public pages, back office, cluster, dossier."""

from . import backoffice, cluster, dossier, public, requests

app_name = "applications"

urlpatterns = [
    *public.urlpatterns,
    *backoffice.urlpatterns,
    *cluster.urlpatterns,
    *dossier.urlpatterns,
    *requests.urlpatterns,
]
