"""The contract's page, its files and its lifecycle actions."""

from django.urls import path

from ..views import contract as views

urlpatterns = [
    path("contrats/<int:pk>/", views.detail, name="detail"),
]
