"""The programme dashboard, its exports and the public summary."""

from django.urls import path

from ..views import dashboard as views

urlpatterns = [
    path("programme/", views.programme_dashboard, name="programme"),
    path("programme/programme.csv", views.programme_csv, name="programme_csv"),
    path("programme/programme.xlsx", views.programme_xlsx, name="programme_xlsx"),
    path("programme/bilan/", views.public, name="public_summary"),
]
