"""The evaluation grid of a call, for the programme administrators."""

from django.urls import path

from ..views import grid as views

urlpatterns = [
    path("appels/<int:call_pk>/grille/", views.grid, name="grid"),
    path("appels/<int:call_pk>/grille/adapter/", views.grid_adapt, name="grid_adapt"),
    path("appels/<int:call_pk>/grille/parametres/", views.grid_settings, name="grid_settings"),
    path(
        "appels/<int:call_pk>/grille/criteres/ajouter/", views.criterion_edit, name="criterion_add"
    ),
    path(
        "appels/<int:call_pk>/grille/criteres/<int:criterion_pk>/modifier/",
        views.criterion_edit,
        name="criterion_edit",
    ),
    path(
        "appels/<int:call_pk>/grille/criteres/<int:criterion_pk>/supprimer/",
        views.criterion_remove,
        name="criterion_delete",
    ),
]
