from django.urls import path

from ..views import public as views

urlpatterns = [
    path("appels/", views.call_list, name="call_list"),
    path("appels/<slug:reference>/", views.call_detail, name="call_detail"),
    path(
        "appels/<slug:reference>/cahier-des-charges/",
        views.call_specification,
        name="call_specification",
    ),
]
