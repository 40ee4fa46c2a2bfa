"""The cluster's answer to a request for documents."""

from django.urls import path

from ..views import requests as views

urlpatterns = [
    path("dossiers/<int:pk>/complements/", views.request_detail, name="request_detail"),
    path(
        "dossiers/<int:pk>/complements/pieces/<int:requirement_pk>/deposer/",
        views.request_upload,
        name="request_upload",
    ),
    path(
        "dossiers/<int:pk>/complements/renvoyer/",
        views.request_answer_view,
        name="request_answer",
    ),
]
