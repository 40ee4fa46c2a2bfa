"""The contract's page, its files and its lifecycle actions."""

from django.urls import path

from ..views import contract as views

urlpatterns = [
    path("contrats/", views.contract_list, name="list"),
    path("contrats/<int:pk>/", views.detail, name="detail"),
    path("contrats/<int:pk>/versions/", views.version_request, name="version_request"),
    path(
        "contrats/<int:pk>/versions/<int:number>/",
        views.version_download,
        name="version_download",
    ),
    path("contrats/<int:pk>/envoyer/", views.send, name="send"),
    path("contrats/<int:pk>/reprendre/", views.recall, name="recall"),
    path("contrats/<int:pk>/signer/", views.sign, name="sign"),
    path("contrats/<int:pk>/contrat-signe/", views.signed_scan_download, name="signed_scan"),
    path("contrats/<int:pk>/mettre-en-vigueur/", views.activate, name="activate"),
    path("contrats/<int:pk>/exemplaire-final/", views.final_copy_download, name="final_copy"),
    path("contrats/<int:pk>/cloturer/", views.close, name="close"),
    path("contrats/<int:pk>/resilier/", views.terminate, name="terminate"),
]
