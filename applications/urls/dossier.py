from django.urls import path

from ..views import dossier as views

urlpatterns = [
    path("appels/<slug:reference>/candidater/", views.dossier_start, name="dossier_start"),
    path("dossiers/", views.dossier_list, name="dossier_list"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("dossiers/<int:pk>/sections/<slug:slug>/", views.dossier_section, name="dossier_section"),
    path(
        "dossiers/<int:pk>/pieces/<int:requirement_pk>/deposer/",
        views.document_upload_view,
        name="document_upload",
    ),
    path(
        "dossiers/<int:pk>/fichiers/<int:document_pk>/",
        views.document_download,
        name="document_download",
    ),
    path(
        "dossiers/<int:pk>/fichiers/<int:document_pk>/supprimer/",
        views.document_delete_view,
        name="document_delete",
    ),
    path("dossiers/<int:pk>/projets/ajouter/", views.project_edit, name="project_add"),
    path(
        "dossiers/<int:pk>/projets/<int:project_pk>/modifier/",
        views.project_edit,
        name="project_edit",
    ),
    path(
        "dossiers/<int:pk>/projets/<int:project_pk>/supprimer/",
        views.project_delete,
        name="project_delete",
    ),
    path("dossiers/<int:pk>/verifier/", views.dossier_review, name="dossier_review"),
    path(
        "dossiers/<int:pk>/confirmation/", views.dossier_confirmation, name="dossier_confirmation"
    ),
    path(
        "dossiers/<int:pk>/accuses/<int:receipt_pk>/",
        views.receipt_download,
        name="receipt_download",
    ),
    path("dossiers/<int:pk>/retirer/", views.dossier_withdraw_view, name="dossier_withdraw"),
    path("dossiers/<int:pk>/rouvrir/", views.dossier_reopen_view, name="dossier_reopen"),
]
