import pytest
from django.urls import reverse

from core.tests.client import page_text

PROFILE = reverse("accounts:profile")


@pytest.mark.django_db
def test_profile_update_saves_and_switches_the_language(client, director):
    client.force_login(director)

    response = client.post(
        PROFILE,
        {
            "full_name": "Salma Bennani-Smires",
            "phone": "+212 5 22 00 00 00",
            "preferred_language": "en",
        },
    )

    assert response.url == PROFILE
    assert response.cookies["django_language"].value == "en"
    director.refresh_from_db()
    assert director.full_name == "Salma Bennani-Smires"
    assert director.preferred_language == "en"
    assert "My profile" in page_text(client.get(PROFILE))


@pytest.mark.django_db
def test_profile_requires_a_name(client, director):
    client.force_login(director)

    response = client.post(PROFILE, {"full_name": "", "phone": "", "preferred_language": "fr"})

    assert response.status_code == 200
    assert "Ce champ est obligatoire." in page_text(response)
    director.refresh_from_db()
    assert director.full_name == "Salma Bennani"


@pytest.mark.django_db
def test_profile_is_for_signed_in_people_only(client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_language_switch_is_remembered_in_the_profile(client, director):
    client.force_login(director)

    response = client.post(reverse("accounts:language_set"), {"language": "ar", "next": "/espace/"})

    assert response.url == "/espace/"
    director.refresh_from_db()
    assert director.preferred_language == "ar"


@pytest.mark.django_db
def test_language_switch_for_visitors_uses_a_cookie_and_ignores_foreign_redirects(client):
    response = client.post(
        reverse("accounts:language_set"), {"language": "ar", "next": "https://evil.example/"}
    )

    assert response.url == "/"
    assert response.cookies["django_language"].value == "ar"
    assert 'dir="rtl"' in page_text(client.get("/"))


@pytest.mark.django_db
def test_unknown_language_changes_nothing(client):
    response = client.post(reverse("accounts:language_set"), {"language": "xx", "next": "/"})

    assert "django_language" not in response.cookies
