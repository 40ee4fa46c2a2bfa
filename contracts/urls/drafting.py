"""The administrator's drafting of contracts: generation, the draft's parties, schedule and
commitments, and the call's model contract."""

from django.urls import path

from ..views import drafting as views

urlpatterns = [
    path(
        "gestion/decisions/<int:decision_pk>/generer-contrat/",
        views.generate,
        name="generate",
    ),
    path("contrats/<int:pk>/modifier/", views.draft_update, name="draft_update"),
    path("contrats/<int:pk>/echeancier/", views.schedule, name="schedule"),
    path("contrats/<int:pk>/indicateurs/", views.commitments, name="commitments"),
    path("gestion/appels/<int:call_pk>/modele-contrat/", views.terms, name="terms"),
    path(
        "gestion/appels/<int:call_pk>/modele-contrat/<str:language>/",
        views.terms,
        name="terms_language",
    ),
]
