from django.urls import path

from ..views import workspace as views

urlpatterns = [
    path("mes-evaluations/", views.queue, name="queue"),
    path("attributions/<int:assignment_pk>/evaluer/", views.review, name="review"),
    path(
        "attributions/<int:assignment_pk>/evaluer/soumettre/",
        views.review_submit,
        name="review_submit",
    ),
    path(
        "attributions/<int:assignment_pk>/reouverture/",
        views.reopen_request,
        name="review_reopen_request",
    ),
    path(
        "attributions/<int:assignment_pk>/fichiers/<int:document_pk>/",
        views.document,
        name="document",
    ),
    path("evaluations/<int:review_pk>/rouvrir/", views.review_reopen, name="review_reopen"),
]
