"""The director's own cluster: profile, members, co-editors."""

from django.urls import path

from ..views import cluster as views

urlpatterns = [
    path("mon-cluster/", views.cluster_profile, name="cluster_profile"),
    path("mon-cluster/modifier/", views.cluster_edit, name="cluster_edit"),
    path("mon-cluster/membres/", views.member_list, name="member_list"),
    path("mon-cluster/membres/ajouter/", views.member_add, name="member_add"),
    path("mon-cluster/membres/<int:pk>/modifier/", views.member_edit, name="member_edit"),
    path("mon-cluster/membres/<int:pk>/supprimer/", views.member_delete, name="member_delete"),
    path("mon-cluster/co-editeurs/", views.co_editors, name="co_editors"),
    path(
        "mon-cluster/co-editeurs/<int:user_pk>/retirer/",
        views.co_editor_remove,
        name="co_editor_remove",
    ),
]
