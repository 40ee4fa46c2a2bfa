"""Annual reports, their review and files, and the payment of the tranches."""

from django.urls import path

from ..views import reports as views

REPORT = "contrats/<int:pk>/rapports/<int:year>/"

urlpatterns = [
    path(REPORT, views.report, name="report"),
    path(f"{REPORT}examen/", views.report_review, name="report_review"),
    path(f"{REPORT}approuver/", views.report_approve_view, name="report_approve"),
    path(f"{REPORT}complements/", views.report_changes_view, name="report_request_changes"),
    path(f"{REPORT}fichiers/<slug:kind>/", views.report_file, name="report_file"),
    path(f"{REPORT}justificatifs/<int:line_pk>/", views.evidence_file, name="report_evidence"),
    path("tranches/<int:pk>/versement/", views.payment, name="payment_record"),
]
