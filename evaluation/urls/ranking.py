"""The ranking of a call, consensus scores, decisions, exports and the results."""

from django.urls import path

from ..views import ranking as views
from ..views import results

urlpatterns = [
    path("appels/<int:call_pk>/classement/", views.ranking, name="ranking"),
    path("appels/<int:call_pk>/classement.csv", views.ranking_csv, name="ranking_csv"),
    path("appels/<int:call_pk>/classement.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
    path("appels/<int:call_pk>/notes.csv", views.scores_csv, name="scores_csv"),
    path("appels/<int:call_pk>/publier-resultats/", views.publish, name="results_publish"),
    path("dossiers/<int:dossier_pk>/consensus/", views.consensus, name="consensus"),
    path("dossiers/<int:dossier_pk>/decision/", views.decision, name="decision"),
    path("decisions/<int:decision_pk>/lettre/", results.decision_letter, name="decision_letter"),
]
