"""Admissibility of the deposited dossiers, for the programme administrators."""

from django.urls import path

from ..views import admissibility as views

urlpatterns = [
    path(
        "appels/<int:call_pk>/recevabilite/",
        views.admissibility_list,
        name="admissibility_list",
    ),
    path(
        "dossiers/<int:dossier_pk>/recevabilite/",
        views.admissibility_detail,
        name="admissibility_detail",
    ),
    path(
        "dossiers/<int:dossier_pk>/recevabilite/recevable/",
        views.admissibility_accept,
        name="admissibility_accept",
    ),
    path(
        "dossiers/<int:dossier_pk>/recevabilite/irrecevable/",
        views.admissibility_reject,
        name="admissibility_reject",
    ),
    path(
        "dossiers/<int:dossier_pk>/recevabilite/complements/",
        views.admissibility_request,
        name="admissibility_request",
    ),
]
