import json

import pytest
from django.test import Client
from django.urls import reverse

from core.tests.client import page_text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "direction", "title"),
    [
        ("fr", "ltr", "Appel à projets clusters"),
        ("ar", "rtl", 'lang="ar"'),
        ("en", "ltr", "Clusters"),
    ],
)
def test_home_page_speaks_each_language(client, language, direction, title):
    client.cookies["django_language"] = language

    page = page_text(client.get(reverse("core:home")))

    assert f'dir="{direction}"' in page
    assert title in page
    assert "Aucun appel à projets n'est ouvert" in page or language != "fr"
    expected_css = "bootstrap.rtl.min.css" if direction == "rtl" else "bootstrap.min.css"
    assert expected_css in page


@pytest.mark.django_db
def test_home_page_offers_register_and_login_to_visitors(client):
    page = page_text(client.get(reverse("core:home")))

    assert reverse("accounts:register") in page
    assert reverse("accounts:login") in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("person", "sees", "does_not_see"),
    [
        ("director", "Mes dossiers", "Gestion des appels"),
        ("evaluator", "Dossiers à évaluer", "Utilisateurs"),
        ("committee_member", "Classement et sélection", "Utilisateurs"),
        ("administrator", "Gestion des appels", "Mes dossiers"),
    ],
)
def test_navigation_follows_the_role(client, request, person, sees, does_not_see):
    client.force_login(request.getfixturevalue(person))

    page = page_text(client.get(reverse("core:dashboard")))

    assert sees in page
    assert does_not_see not in page


@pytest.mark.django_db
def test_dashboard_requires_login(client):
    response = client.get(reverse("core:dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [("fr", "Page introuvable"), ("en", "Page not found"), ("ar", "الصفحة غير موجودة")],
)
def test_not_found_page_is_friendly_in_each_language(client, language, text):
    client.cookies["django_language"] = language

    response = client.get("/cette-page-n-existe-pas/")

    assert response.status_code == 404
    assert text in page_text(response)


@pytest.mark.django_db
@pytest.mark.urls("core.tests.urls_with_error")
def test_server_error_page_is_friendly():
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"

    response = client.get("/boom/")

    assert response.status_code == 500
    assert "The portal has encountered an error" in page_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [("ar", "يتبقى %s"), ("en", "%s left")])
def test_countdown_words_are_translated_for_the_browser(client, language, expected):
    client.cookies["django_language"] = language

    catalog = client.get(reverse("javascript-catalog")).content.decode()

    # The catalogue is JavaScript, with non-ASCII letters written as \u escapes.
    assert json.dumps(expected)[1:-1] in catalog
