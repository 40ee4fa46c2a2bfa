"""Two-factor authentication, through the real pages: password first, then the code."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import PASSWORD
from accounts.tests.otp import code_for_secret, confirmed_device, shown_secret, totp_code
from core.journal import journal_for
from core.tests.client import page_text

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:otp_verify")
ENROL = reverse("accounts:otp_enrol")
DASHBOARD = reverse("core:dashboard")
PROFILE = reverse("accounts:profile")


def _password_step(client, user, next_url=None):
    url = f"{LOGIN}?next={next_url}" if next_url else LOGIN
    return client.post(url, {"username": user.email, "password": PASSWORD})


def _code_step(client, code, url=VERIFY):
    return client.post(url, {"code": code})


def _enrol(client, url=ENROL):
    """Enrol through the page, with the app set up from the secret it shows."""
    page = client.get(url)
    assert page.status_code == 200
    response = _code_step(client, code_for_secret(shown_secret(page_text(page))), url=url)
    return TOTPDevice.objects.get(), response


@pytest.fixture(params=["evaluator", "committee_member", "administrator"])
def staff(request):
    return request.getfixturevalue(request.param)


# Staff without an authenticator app: enrolment comes before anything else


def test_staff_without_an_app_is_sent_to_enrolment_after_the_password(client, staff):
    response = _password_step(client, staff)

    assert response.status_code == 302
    assert response.url == f"{ENROL}?next=%2Fespace%2F"
    assert client.get(DASHBOARD).url.startswith(ENROL)


def test_the_enrolment_page_shows_a_qr_code_and_the_secret_without_script(client, evaluator):
    _password_step(client, evaluator)

    page = page_text(client.get(ENROL))

    assert "<svg" in page and "<path" in page
    secret = shown_secret(page)
    assert len(secret.replace(" ", "")) == 32
    assert "otpauth" not in page
    assert "<script>" not in page and "onclick" not in page
    # Reloading the page keeps the same secret until it is confirmed; nothing is saved yet.
    assert shown_secret(page_text(client.get(ENROL))) == secret
    assert not TOTPDevice.objects.filter(user=evaluator).exists()


def test_enrolment_with_the_first_code_verifies_the_session_and_shows_recovery_codes_once(
    client, administrator
):
    _password_step(client, administrator, next_url="/comptes/utilisateurs/")

    device, response = _enrol(client)

    device.refresh_from_db()
    assert device.confirmed
    assert response.url.startswith(reverse("accounts:recovery_codes"))
    shown = client.get(response.url)
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page_text(shown))
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert 'href="/comptes/utilisateurs/"' in page_text(shown)
    assert "ne seront plus jamais affichés" in page_text(shown)
    assert client.get(response.url).url == PROFILE  # gone on reload
    assert client.get("/comptes/utilisateurs/").status_code == 200
    administrator.refresh_from_db()
    assert administrator.two_factor_enabled
    assert [entry.action for entry in journal_for(administrator)] == ["two_factor.enrol"]


def test_enrolment_with_a_wrong_code_is_refused(client, committee_member):
    _password_step(client, committee_member)
    client.get(ENROL)

    response = _code_step(client, "000000", url=ENROL)

    assert response.status_code == 200
    assert "Ce code n'est pas valable" in page_text(response)
    assert not TOTPDevice.objects.filter(user=committee_member, confirmed=True).exists()
    assert client.get(DASHBOARD).url.startswith(ENROL)


def test_the_password_alone_cannot_enrol_a_second_app(client, evaluator):
    confirmed_device(evaluator)
    _password_step(client, evaluator)

    response = client.get(ENROL)

    assert response.url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=evaluator).count() == 1


# Staff with an app: the code page


def test_staff_with_an_app_gives_the_code_and_lands_where_they_were_going(client, staff):
    device = confirmed_device(staff)

    response = _password_step(client, staff, next_url="/comptes/profil/")
    assert response.url == f"{VERIFY}?next=%2Fcomptes%2Fprofil%2F"
    assert client.get(PROFILE).url.startswith(VERIFY)

    response = _code_step(client, totp_code(device), url=response.url)

    assert response.url == PROFILE
    assert client.get(PROFILE).status_code == 200


def test_the_code_step_gives_a_new_session_key(client, evaluator):
    device = confirmed_device(evaluator)
    _password_step(client, evaluator)
    before = client.session.session_key

    _code_step(client, totp_code(device))

    assert client.session.session_key != before
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_a_wrong_code_is_refused_counted_and_throttled(client, evaluator):
    device = confirmed_device(evaluator)
    _password_step(client, evaluator)

    wrong = _code_step(client, "123456" if totp_code(device) != "123456" else "654321")

    assert wrong.status_code == 200
    assert "Ce code n'est pas valable" in page_text(wrong)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Right away, even the right code waits for the end of the delay.
    throttled = _code_step(client, totp_code(device))
    assert "Trop de codes erronés" in page_text(throttled)
    assert client.get(DASHBOARD).url.startswith(VERIFY)

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )
    assert _code_step(client, totp_code(device)).url == DASHBOARD
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_code_is_accepted_only_once(client, evaluator):
    device = confirmed_device(evaluator)
    _password_step(client, evaluator)
    code = totp_code(device)
    assert _code_step(client, code).url == DASHBOARD

    second = type(client)()
    _password_step(second, evaluator)
    replay = _code_step(second, code)

    assert "Ce code n'est pas valable" in page_text(replay)


def test_a_recovery_code_works_once(client, administrator):
    _password_step(client, administrator)
    _enrol(client)
    code = StaticToken.objects.first().token
    client.post(reverse("accounts:logout"))

    _password_step(client, administrator)
    response = _code_step(client, f" {code.upper()} ")

    assert response.url == DASHBOARD
    page = page_text(client.get(DASHBOARD))
    assert "code de secours" in page and "Il vous en reste 9" in page
    client.post(reverse("accounts:logout"))

    _password_step(client, administrator)
    again = _code_step(client, code)
    assert "Ce code n'est pas valable" in page_text(again)
    assert client.get(DASHBOARD).url.startswith(VERIFY)


def test_regenerating_recovery_codes_invalidates_the_old_ones(client, administrator):
    _password_step(client, administrator)
    _enrol(client)
    old = set(StaticToken.objects.values_list("token", flat=True))

    response = client.post(reverse("accounts:recovery_codes_regenerate"))

    new_codes = re.findall(
        r"<li><code>([a-z2-7]{8})</code></li>", page_text(client.get(response.url))
    )
    assert len(new_codes) == 10 and not old & set(new_codes)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new_codes)
    assert "two_factor.recovery_codes" in [entry.action for entry in journal_for(administrator)]
    client.post(reverse("accounts:logout"))
    _password_step(client, administrator)
    assert "Ce code n'est pas valable" in page_text(_code_step(client, old.pop()))


def test_staff_cannot_turn_two_factor_off(client, evaluator):
    client.force_login(evaluator)

    response = client.post(reverse("accounts:two_factor_disable"), follow=True)

    assert "obligatoire pour votre rôle" in page_text(response)
    assert TOTPDevice.objects.filter(user=evaluator, confirmed=True).exists()
    assert "Désactiver la double authentification" not in page_text(client.get(PROFILE))


# Directors: optional


def test_a_director_without_two_factor_logs_in_with_the_password_only(client, director):
    assert _password_step(client, director).url == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    assert "Activer la double authentification" in page_text(client.get(PROFILE))


def test_a_director_who_turns_it_on_is_asked_for_a_code_at_the_next_login(client, director):
    _password_step(client, director)
    assert "obligatoire" not in page_text(client.get(ENROL))
    device, response = _enrol(client, url=f"{ENROL}?next={PROFILE}")
    assert client.get(response.url).status_code == 200
    client.post(reverse("accounts:logout"))

    response = _password_step(client, director)

    assert response.url.startswith(VERIFY)
    assert client.get(reverse("applications:dossier_list")).url.startswith(VERIFY)
    assert _code_step(client, totp_code(device)).url == DASHBOARD
    assert client.get(reverse("applications:dossier_list")).status_code == 200


def test_a_director_can_turn_it_off_again(client, director):
    _password_step(client, director)
    _enrol(client)

    response = client.post(reverse("accounts:two_factor_disable"), follow=True)

    assert "La double authentification est désactivée" in page_text(response)
    director.refresh_from_db()
    assert not director.two_factor_enabled
    assert not TOTPDevice.objects.filter(user=director).exists()
    assert "two_factor.disable" in [entry.action for entry in journal_for(director)]
    client.post(reverse("accounts:logout"))
    assert _password_step(client, director).url == DASHBOARD


# The guard on every page


AREA_PAGES = [
    reverse("core:dashboard"),
    reverse("accounts:profile"),
    reverse("accounts:password_change"),
    reverse("accounts:user_list"),
    reverse("accounts:recovery_codes"),
    reverse("accounts:password_confirm"),
    reverse("evaluation:queue"),
    reverse("applications:backoffice_call_list"),
    reverse("applications:call_list"),
    reverse("contracts:list"),
    reverse("contracts:programme"),
    "/gestion/django/",
]


@pytest.mark.parametrize("url", AREA_PAGES)
def test_an_unverified_staff_session_reaches_no_page(client, staff, url):
    confirmed_device(staff)
    _password_step(client, staff)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(VERIFY)


def test_an_unverified_session_is_refused_posts_too(client, administrator):
    confirmed_device(administrator)
    _password_step(client, administrator)

    response = client.post(
        reverse("accounts:user_invite"),
        {"full_name": "X", "email": "x@mcinet.gov.ma", "role": "evaluator", "language": "fr"},
        HTTP_REFERER="http://testserver/comptes/utilisateurs/inviter/",
    )

    assert response.url == f"{VERIFY}?next=%2Fcomptes%2Futilisateurs%2Finviter%2F"
    assert not type(administrator).objects.filter(email="x@mcinet.gov.ma").exists()


def test_an_unverified_htmx_request_sends_the_whole_page_to_the_code(client, evaluator):
    confirmed_device(evaluator)
    _password_step(client, evaluator)

    response = client.get(reverse("evaluation:queue"), HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"].startswith(VERIFY)


def test_an_unverified_session_may_switch_language_and_log_out(client, evaluator):
    confirmed_device(evaluator)
    _password_step(client, evaluator)

    switched = client.post(reverse("accounts:language_set"), {"language": "ar", "next": VERIFY})
    assert switched.url == VERIFY
    assert 'dir="rtl"' in page_text(client.get(VERIFY))

    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_the_demo_staff_log_in_with_the_printed_secret(client):
    import io

    from django.core.management import call_command

    from accounts import demo

    printed = io.StringIO()
    demo.seed(printed)
    demo.seed(io.StringIO())
    assert "PORT AILD ESCL" in printed.getvalue()
    code = io.StringIO()
    call_command("demo_otp_code", stdout=code)

    second = client.post(
        LOGIN, {"username": "admin@demo.clusters.ma", "password": demo.DEMO_PASSWORD}
    )
    assert second.url.startswith(VERIFY)
    assert _code_step(client, code.getvalue().strip()).url == DASHBOARD
    assert TOTPDevice.objects.filter(user__email="admin@demo.clusters.ma").count() == 1
    client.post(reverse("accounts:logout"))
    director = client.post(
        LOGIN, {"username": "directeur@demo.clusters.ma", "password": demo.DEMO_PASSWORD}
    )
    assert director.url == DASHBOARD


def test_the_code_page_hides_the_menu_that_would_lead_nowhere(client, evaluator):
    confirmed_device(evaluator)
    _password_step(client, evaluator)

    page = page_text(client.get(VERIFY))

    assert reverse("evaluation:queue") not in page
    assert reverse("accounts:logout") in page


# An administrator helps someone who lost their phone


def test_an_administrator_resets_a_lost_app_and_the_person_enrols_again(
    client, administrator, evaluator
):
    confirmed_device(evaluator)
    client.force_login(administrator)
    assert "Réinitialiser la double authentification" in page_text(
        client.get(reverse("accounts:user_list"))
    )

    response = client.post(reverse("accounts:two_factor_reset", args=[evaluator.pk]), follow=True)

    assert "est réinitialisée" in page_text(response)
    assert not TOTPDevice.objects.filter(user=evaluator).exists()
    entry = journal_for(evaluator).get()
    assert (entry.action, entry.actor) == ("two_factor.disable", administrator)
    evaluator_client = type(client)()
    assert _password_step(evaluator_client, evaluator).url.startswith(ENROL)


@pytest.mark.parametrize("role", ["director", "evaluator", "committee_member"])
def test_only_administrators_reset_someone_else(client, role, request, administrator):
    confirmed_device(administrator)
    client.force_login(request.getfixturevalue(role))

    response = client.post(reverse("accounts:two_factor_reset", args=[administrator.pk]))

    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=administrator).exists()


def test_a_stale_login_confirms_the_password_before_a_reset(client, administrator, evaluator):
    from accounts import sessions

    confirmed_device(evaluator)
    client.force_login(administrator)
    session = client.session
    session[sessions.PASSWORD_GIVEN_AT] = sessions.now() - 3600
    session.save()

    response = client.post(reverse("accounts:two_factor_reset", args=[evaluator.pk]))

    assert response.url.startswith(reverse("accounts:password_confirm"))
    assert TOTPDevice.objects.filter(user=evaluator).exists()
