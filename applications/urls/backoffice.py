from django.urls import path

from ..views import backoffice as views

urlpatterns = [
    path("gestion/appels/", views.call_list, name="backoffice_call_list"),
    path("gestion/appels/nouveau/", views.call_create, name="backoffice_call_create"),
    path("gestion/appels/<int:pk>/", views.call_detail, name="backoffice_call_detail"),
    path("gestion/appels/<int:pk>/modifier/", views.call_update, name="backoffice_call_update"),
    path("gestion/appels/<int:pk>/publier/", views.call_publish, name="backoffice_call_publish"),
    path("gestion/appels/<int:pk>/cloner/", views.call_clone, name="backoffice_call_clone"),
    path(
        "gestion/appels/<int:pk>/cloture/",
        views.call_deadline_change,
        name="backoffice_call_deadline",
    ),
    path(
        "gestion/appels/<int:pk>/pieces/nouvelle/",
        views.required_document_create,
        name="backoffice_document_create",
    ),
    path(
        "gestion/appels/<int:pk>/pieces/<int:document_pk>/modifier/",
        views.required_document_update,
        name="backoffice_document_update",
    ),
    path(
        "gestion/appels/<int:pk>/pieces/<int:document_pk>/supprimer/",
        views.required_document_delete,
        name="backoffice_document_delete",
    ),
]
