"""Annual reports, their review and files, and the payment of the tranches."""

from django.urls import path

from ..views import payments, reports, review

REPORT = "contrats/<int:pk>/rapports/<int:year>/"

urlpatterns = [
    path(REPORT, reports.report, name="report"),
    path(f"{REPORT}examen/", review.report_review, name="report_review"),
    path(f"{REPORT}approuver/", review.report_approve_view, name="report_approve"),
    path(f"{REPORT}complements/", review.report_changes_view, name="report_request_changes"),
    path(f"{REPORT}fichiers/<slug:kind>/", reports.report_file, name="report_file"),
    path(f"{REPORT}justificatifs/<int:line_pk>/", reports.evidence_file, name="report_evidence"),
    path("tranches/<int:pk>/versement/", payments.payment, name="payment_record"),
]
