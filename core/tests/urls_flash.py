"""The project's URLs plus a few views that leave messages, to watch where each one goes."""

import random

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.html import format_html
from django_htmx.http import HttpResponseClientRedirect

from clusters_portal.urls import urlpatterns as project_urlpatterns


def refuse(request, number):
    messages.error(request, f"Refus numéro {number}")
    return redirect("core:home")


def refuse_at_length(request, count):
    letters = [chr(code) for code in range(0x0627, 0x064B)]
    for number in range(count):
        words = "".join(random.Random(number).choices(letters, k=300))  # noqa: S311  # nosec B311
        messages.warning(request, f"Avertissement {number} : {words}")
    return redirect("core:home")


def refuse_and_render(request):
    messages.error(request, "Refus montré sur place")
    return render(request, "base.html")


def refuse_in_a_fragment(request):
    messages.error(request, "Refus d'un fragment")
    return HttpResponse("<span>fragment</span>")


def refuse_to_htmx(request):
    messages.error(request, "Refus pour htmx")
    return HttpResponseClientRedirect("/")


def refuse_elsewhere(request):
    messages.error(request, "Refus vers un autre site")
    return redirect("https://example.org/")


def refuse_with_markup(request):
    messages.error(request, format_html('Voir <a href="/">{}</a>', "<le dossier>"))
    messages.error(request, "<script>alert(1)</script>")
    return redirect("core:home")


urlpatterns = [
    path("flash/refuse/<int:number>/", refuse),
    path("flash/long/<int:count>/", refuse_at_length),
    path("flash/render/", refuse_and_render),
    path("flash/fragment/", refuse_in_a_fragment),
    path("flash/htmx/", refuse_to_htmx),
    path("flash/elsewhere/", refuse_elsewhere),
    path("flash/markup/", refuse_with_markup),
    *project_urlpatterns,
]
