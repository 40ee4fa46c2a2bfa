from django.urls import path

from ..views import dossier, submission, uploads

urlpatterns = [
    path("appels/<slug:reference>/candidater/", dossier.dossier_start, name="dossier_start"),
    path("dossiers/", dossier.dossier_list, name="dossier_list"),
    path("dossiers/<int:pk>/", dossier.dossier_detail, name="dossier_detail"),
    path(
        "dossiers/<int:pk>/sections/<slug:slug>/", dossier.dossier_section, name="dossier_section"
    ),
    path(
        "dossiers/<int:pk>/pieces/<int:requirement_pk>/deposer/",
        uploads.document_upload_view,
        name="document_upload",
    ),
    path(
        "dossiers/<int:pk>/fichiers/<int:document_pk>/",
        uploads.document_download,
        name="document_download",
    ),
    path(
        "dossiers/<int:pk>/fichiers/<int:document_pk>/supprimer/",
        uploads.document_delete_view,
        name="document_delete",
    ),
    path("dossiers/<int:pk>/projets/ajouter/", dossier.project_edit, name="project_add"),
    path(
        "dossiers/<int:pk>/projets/<int:project_pk>/modifier/",
        dossier.project_edit,
        name="project_edit",
    ),
    path(
        "dossiers/<int:pk>/projets/<int:project_pk>/supprimer/",
        dossier.project_delete,
        name="project_delete",
    ),
    path("dossiers/<int:pk>/verifier/", submission.dossier_review, name="dossier_review"),
    path(
        "dossiers/<int:pk>/confirmation/",
        submission.dossier_confirmation,
        name="dossier_confirmation",
    ),
    path(
        "dossiers/<int:pk>/accuses/<int:receipt_pk>/",
        submission.receipt_download,
        name="receipt_download",
    ),
    path("dossiers/<int:pk>/retirer/", submission.dossier_withdraw_view, name="dossier_withdraw"),
    path("dossiers/<int:pk>/rouvrir/", submission.dossier_reopen_view, name="dossier_reopen"),
]
