"""Sessions end after a period of inactivity, and say so."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts import sessions
from accounts.tests.factories import PASSWORD
from accounts.tests.otp import confirmed_device, totp_code
from core.tests.client import page_text

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
DOSSIERS = reverse("applications:dossier_list")
EXPIRED = "Votre session a expiré après 30 minutes d'inactivité"


def _idle(client, minutes):
    session = client.session
    session[sessions.LAST_ACTIVITY] = sessions.now() - minutes * 60
    session.save()


def test_a_session_idle_too_long_ends_with_a_message_and_a_way_back(client, director):
    client.force_login(director)
    _idle(client, 31)

    response = client.get(DOSSIERS)

    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=%2Fdossiers%2F"
    assert "_auth_user_id" not in client.session
    login_page = client.get(response.url)
    assert EXPIRED in page_text(login_page)

    back = client.post(response.url, {"username": director.email, "password": PASSWORD})
    assert back.url == DOSSIERS
    assert client.get(DOSSIERS).status_code == 200


def test_activity_within_the_timeout_keeps_the_session_alive(client, director):
    client.force_login(director)
    _idle(client, 29)

    assert client.get(DOSSIERS).status_code == 200
    assert sessions.now() - client.session[sessions.LAST_ACTIVITY] < 5
    _idle(client, 29)
    assert client.get(DOSSIERS).status_code == 200


def test_the_session_is_not_written_again_within_a_minute(client, director):
    client.force_login(director)
    _idle(client, 0)
    stamp = client.session[sessions.LAST_ACTIVITY] - 10
    session = client.session
    session[sessions.LAST_ACTIVITY] = stamp
    session.save()

    client.get(DOSSIERS)

    assert client.session[sessions.LAST_ACTIVITY] == stamp


def test_the_timeout_is_a_setting(client, director, settings):
    settings.SESSION_INACTIVITY_TIMEOUT = timedelta(minutes=5)
    client.force_login(director)
    _idle(client, 6)

    response = client.get(DOSSIERS, follow=True)

    assert "expiré après 5 minutes d'inactivité" in page_text(response)


def test_an_expired_post_is_not_kept_and_leads_back_to_its_form(client, director):
    client.force_login(director)
    _idle(client, 45)

    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Changé", "phone": "", "preferred_language": "fr"},
        HTTP_REFERER="http://testserver/comptes/profil/",
    )

    assert response.url == f"{LOGIN}?next=%2Fcomptes%2Fprofil%2F"
    director.refresh_from_db()
    assert director.full_name != "Changé"


def test_an_expired_htmx_request_sends_the_whole_page_to_the_login(client, director):
    client.force_login(director)
    _idle(client, 45)

    response = client.get(DOSSIERS, HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"].startswith(LOGIN)


def test_staff_come_back_through_the_code_step_after_expiry(client, evaluator):
    client.force_login(evaluator)
    device = confirmed_device(evaluator)
    _idle(client, 31)
    queue = reverse("evaluation:queue")
    login = client.get(queue).url

    second_step = client.post(login, {"username": evaluator.email, "password": PASSWORD})
    back = client.post(second_step.url, {"code": totp_code(device)})

    assert back.url == queue


def test_an_anonymous_visitor_is_not_affected(client):
    assert client.get(reverse("applications:call_list")).status_code == 200
