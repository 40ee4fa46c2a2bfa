"""The contracts' URLs, one module per stage."""

from . import contract, dashboard, drafting, reports

app_name = "contracts"

urlpatterns = [
    *contract.urlpatterns,
    *drafting.urlpatterns,
    *reports.urlpatterns,
    *dashboard.urlpatterns,
]
