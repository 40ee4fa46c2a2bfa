import re
import time

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role, User
from core.tests.client import page_text

REGISTER = reverse("accounts:register")
LINK = re.compile(r"https?://\S+/comptes/verification/(?P<token>[^/\s]+)/")


def _form(**overrides):
    data = {
        "full_name": "Amina Idrissi",
        "email": "amina@cluster-solaire.ma",
        "phone": "+212 6 11 22 33 44",
        "preferred_language": "fr",
        "password1": "Soleil-de-Ouarzazate-2026",
        "password2": "Soleil-de-Ouarzazate-2026",
    }
    return {**data, **overrides}


def _verification_path(message):
    match = LINK.search(message.body)
    assert match, message.body
    return reverse("accounts:verify_email", kwargs={"token": match["token"]})


@pytest.mark.django_db
def test_registration_creates_an_unverified_director_and_sends_the_link(client):
    response = client.post(REGISTER, _form())

    assert response.status_code == 302
    assert response.url == reverse("accounts:register_done")
    user = User.objects.get(email="amina@cluster-solaire.ma")
    assert user.role == Role.DIRECTOR
    assert not user.email_verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amina@cluster-solaire.ma"]
    assert "48 heures" in mail.outbox[0].body


@pytest.mark.django_db
def test_registration_mail_is_in_the_chosen_language(client):
    client.post(REGISTER, _form(preferred_language="ar"))

    assert mail.outbox[0].subject != "Vérifiez votre adresse e-mail — Portail des clusters"
    assert re.search("[\u0600-\u06ff]", mail.outbox[0].subject)


@pytest.mark.django_db
def test_duplicate_email_is_refused_whatever_its_case(client, director):
    response = client.post(REGISTER, _form(email=director.email.upper()))

    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse e-mail." in page_text(response)
    assert User.objects.filter(email__iexact=director.email).count() == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_weak_password_is_refused_and_the_rest_of_the_form_is_kept(client):
    response = client.post(REGISTER, _form(password1="12345678", password2="12345678"))

    page = page_text(response)
    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in page
    assert 'value="amina@cluster-solaire.ma"' in page
    assert 'value="Amina Idrissi"' in page
    assert not User.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_errors_are_shown_in_the_user_language(client):
    client.cookies["django_language"] = "en"
    response = client.post(REGISTER, _form(password2="something-else-entirely"))

    assert "The two password fields didn’t match." in page_text(response)


@pytest.mark.django_db
def test_unverified_director_cannot_log_in(client):
    client.post(REGISTER, _form())
    response = client.post(
        reverse("accounts:login"),
        {"username": "amina@cluster-solaire.ma", "password": "Soleil-de-Ouarzazate-2026"},
    )

    assert response.status_code == 200
    assert "pas encore vérifiée" in page_text(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_verification_link_activates_the_account_once(client):
    client.post(REGISTER, _form())
    path = _verification_path(mail.outbox[0])

    opened = client.get(path)
    assert "Confirmez votre adresse e-mail" in page_text(opened)
    assert "amina@cluster-solaire.ma" in page_text(opened)
    # Opening the link (as a mail scanner would) verifies nothing: the button does.
    assert not User.objects.get(email="amina@cluster-solaire.ma").email_verified
    first = client.post(path, follow=True)
    assert "Votre adresse e-mail est vérifiée" in page_text(first)
    assert User.objects.get(email="amina@cluster-solaire.ma").email_verified

    assert "Ce lien a déjà été utilisé" in page_text(client.get(path, follow=True))
    assert "Ce lien a déjà été utilisé" in page_text(client.post(path, follow=True))
    login = client.post(
        reverse("accounts:login"),
        {"username": "Amina@Cluster-Solaire.ma", "password": "Soleil-de-Ouarzazate-2026"},
    )
    assert login.status_code == 302
    assert login.url == reverse("core:dashboard")


@pytest.mark.django_db
def test_verification_link_expires_after_48_hours(client, monkeypatch):
    client.post(REGISTER, _form())
    path = _verification_path(mail.outbox[0])
    later = time.time() + 48 * 3600 + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    response = client.get(path)
    confirmed = client.post(path)

    assert response.status_code == confirmed.status_code == 400
    assert "Ce lien de vérification a expiré" in page_text(response)
    assert "Ce lien de vérification a expiré" in page_text(confirmed)
    assert not User.objects.get(email="amina@cluster-solaire.ma").email_verified


@pytest.mark.django_db
def test_tampered_verification_link_is_refused(client):
    client.post(REGISTER, _form())
    path = _verification_path(mail.outbox[0])

    response = client.get(path.replace("/verification/", "/verification/x"))

    assert response.status_code == 400
    assert "n'est pas valide" in page_text(response)


@pytest.mark.django_db
def test_new_link_can_be_requested_without_revealing_accounts(client):
    client.post(REGISTER, _form())
    mail.outbox.clear()

    known = client.post(
        reverse("accounts:verification_resend"), {"email": "amina@cluster-solaire.ma"}
    )
    unknown = client.post(reverse("accounts:verification_resend"), {"email": "x@inconnu.ma"})

    assert known.status_code == unknown.status_code == 302
    assert [message.to for message in mail.outbox] == [["amina@cluster-solaire.ma"]]


@pytest.mark.django_db
def test_signed_in_user_is_sent_to_the_dashboard_instead_of_registering(client, director):
    client.force_login(director)

    assert client.get(REGISTER).url == reverse("core:dashboard")


@pytest.mark.django_db
def test_password_rules_are_explained_in_arabic(client):
    client.cookies["django_language"] = "ar"

    response = client.post(REGISTER, _form(password1="Ab1-", password2="Ab1-"))

    page = page_text(response)
    assert "trop court" not in page
    assert "10" in page
    assert re.search("[\u0600-\u06ff]{3,}", page)


@pytest.mark.django_db
def test_repeated_link_requests_for_one_address_are_limited(client):
    client.post(REGISTER, _form())
    mail.outbox.clear()
    resend = reverse("accounts:verification_resend")

    answers = [client.post(resend, {"email": "amina@cluster-solaire.ma"}) for _attempt in range(4)]

    assert [answer.status_code for answer in answers] == [302, 302, 302, 429]
    assert "Réessayez dans une heure" in page_text(answers[-1])
    assert len(mail.outbox) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["accounts:register", "accounts:verification_resend"])
def test_empty_posts_beyond_the_limit_are_answered_not_crashed(client, name):
    """An empty form once the limit is reached: the limit's message, never a server error."""
    answers = [client.post(reverse(name), {}) for _attempt in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert "Réessayez dans une heure" in page_text(answers[-1])
