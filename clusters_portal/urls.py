from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from core import views as core_views
from core.readiness import ReadinessView

from . import metrics

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

urlpatterns = [
    path("", include("core.urls")),
    path("comptes/", include("accounts.urls")),
    path("", include("applications.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("", include("contracts.urls")),
    path("", include("audit.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", ReadinessView.as_view(), name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("gestion/django/", admin.site.urls),
]
