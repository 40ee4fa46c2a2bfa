from django.urls import path

from ..views import assignment as views

urlpatterns = [
    path(
        "appels/<int:call_pk>/attributions/",
        views.assignment_board,
        name="assignments",
    ),
    path(
        "appels/<int:call_pk>/attributions/automatique/",
        views.assignments_auto,
        name="assignments_auto",
    ),
    path(
        "appels/<int:call_pk>/attributions/dossiers/<int:dossier_pk>/ajouter/",
        views.assignment_add,
        name="assignment_add",
    ),
    path(
        "attributions/<int:assignment_pk>/retirer/",
        views.assignment_remove,
        name="assignment_remove",
    ),
    path(
        "attributions/<int:assignment_pk>/declaration/",
        views.interests_declare,
        name="declare",
    ),
]
