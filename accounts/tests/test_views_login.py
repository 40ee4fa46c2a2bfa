import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from core.tests.client import CommittingClient, page_text

LOGIN = reverse("accounts:login")


def _login(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


@pytest.mark.django_db
def test_login_with_the_right_password_opens_the_dashboard(client, director):
    response = _login(client, director.email, PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("core:dashboard")
    assert client.get(response.url).status_code == 200


@pytest.mark.django_db
def test_wrong_password_gets_a_clear_message(client, director):
    response = _login(client, director.email, "not-the-password")

    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in page_text(response)


@pytest.mark.django_db
def test_login_sets_the_preferred_language(client, director):
    director.preferred_language = "ar"
    director.save()

    response = _login(client, director.email, PASSWORD)

    assert response.cookies["django_language"].value == "ar"
    page = page_text(client.get(reverse("core:dashboard")))
    assert 'dir="rtl"' in page


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_even_with_the_right_password(client, director):
    for _attempt in range(5):
        _login(client, director.email, "wrong-password")

    response = _login(client, director.email, PASSWORD)

    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in page_text(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_of_one_account_does_not_block_another(client, director, outsider):
    for _attempt in range(5):
        _login(client, director.email, "wrong-password")

    assert _login(client, outsider.email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_logout_requires_post_and_ends_the_session(client, director):
    client.force_login(director)

    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:dashboard")).status_code == 302


@pytest.mark.django_db
def test_forged_csrf_token_gets_a_friendly_page_in_the_user_language(director):
    client = CommittingClient(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"

    response = client.post(
        LOGIN, {"username": director.email, "password": PASSWORD, "csrfmiddlewaretoken": "forged"}
    )

    assert response.status_code == 403
    assert "Your form could not be submitted" in page_text(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_a_single_use_link(client, director):
    response = client.post(reverse("accounts:password_reset"), {"email": director.email})
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/\s]+(/comptes/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body)[
        1
    ]

    form = client.get(path, follow=True)
    set_url = form.redirect_chain[-1][0]
    new_password = "Un-tout-nouveau-secret-77"
    done = client.post(set_url, {"new_password1": new_password, "new_password2": new_password})

    assert done.url == LOGIN
    assert _login(CommittingClient(), director.email, new_password).status_code == 302
    reused = client.get(path, follow=True)
    assert "Ce lien n'est plus valable" in page_text(reused)


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "personne@nulle-part.ma"})

    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


@pytest.mark.django_db
def test_password_change_keeps_the_user_signed_in(client, director):
    client.force_login(director)
    new_password = "Encore-un-autre-secret-31"

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.url == reverse("accounts:profile")
    assert client.get(reverse("core:dashboard")).status_code == 200
    director.refresh_from_db()
    assert director.check_password(new_password)


@pytest.mark.django_db
def test_changing_the_case_of_the_address_does_not_dodge_the_lockout(client, director):
    variants = ["directrice@cluster-a.ma", "Directrice@cluster-a.ma", "DIRECTRICE@cluster-a.ma"]
    for attempt in range(5):
        _login(client, variants[attempt % 3], "wrong-password")

    response = _login(client, "DiReCtRiCe@Cluster-A.ma", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_language_chosen_before_login_is_kept_and_remembered(client, director):
    client.cookies["django_language"] = "en"

    _login(client, director.email, PASSWORD)

    director.refresh_from_db()
    assert director.preferred_language == "en"
    assert "Sign out" in page_text(client.get(reverse("core:dashboard")))
