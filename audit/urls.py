from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("gestion/journal/", views.journal, name="journal"),
]
