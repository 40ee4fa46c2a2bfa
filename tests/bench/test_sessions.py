"""Sessions prepared without the login page (bench/sessions.py) are those the login page writes:
the portal takes them as signed in, second factor included for staff."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from sessions import session_cookies

from accounts.tests.factories import AdministratorFactory, DirectorFactory

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    for name, value in session_cookies(user).items():
        client.cookies[name] = value
    return client


def test_a_prepared_director_session_opens_the_director_space():
    response = _client(DirectorFactory()).get(reverse("core:dashboard"))
    assert response.status_code == 200


def test_a_prepared_staff_session_has_given_its_second_factor():
    administrator = AdministratorFactory()
    TOTPDevice.objects.create(user=administrator, name="Banc", confirmed=True)
    response = _client(administrator).get(reverse("core:dashboard"))
    assert response.status_code == 200


def test_the_prepared_csrf_secret_is_accepted_as_a_form_token():
    director = DirectorFactory()
    client = Client(enforce_csrf_checks=True)
    for name, value in session_cookies(director).items():
        client.cookies[name] = value
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
