"""Sensitive actions ask for the password again when it was given too long ago."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts import sessions
from accounts.tests.factories import PASSWORD
from applications.models import CallStatus
from core.tests.client import page_text

pytestmark = pytest.mark.django_db

CONFIRM = reverse("accounts:password_confirm")
ASKED = "confirmez votre mot de passe avant cette action sensible"


def _password_given_minutes_ago(client, minutes):
    session = client.session
    session[sessions.PASSWORD_GIVEN_AT] = sessions.now() - minutes * 60
    session.save()


def _confirm(client, url, password=PASSWORD):
    return client.post(url, {"password": password})


# The four sensitive actions, each with what its page and its form look like.


@pytest.fixture
def publication(administrator):
    from evaluation.services.selection import decision_set
    from evaluation.tests.test_selection import ALL_THREE, closed_call, ranked_dossier

    call = closed_call()
    decision_set(actor=administrator, dossier=ranked_dossier(call, ALL_THREE), outcome="rejected")
    url = reverse("evaluation:results_publish", args=[call.pk])

    def done():
        call.refresh_from_db()
        return call.status == CallStatus.RESULTS_PUBLISHED

    return {"url": url, "page": url, "data": {}, "done": done}


@pytest.fixture
def generation(administrator):
    from contracts.models import Contract
    from contracts.tests.factories import selected_decision

    decision = selected_decision(decided_by=administrator)
    page = reverse("applications:backoffice_call_detail", args=[decision.dossier.call_id])
    return {
        "url": reverse("contracts:generate", args=[decision.pk]),
        "page": page,
        "data": {},
        "done": lambda: Contract.objects.filter(decision=decision).exists(),
    }


@pytest.fixture
def activation(administrator, director):
    from applications.tests.builders import pdf_file
    from contracts.models import ContractStatus
    from contracts.services import lifecycle
    from contracts.tests.factories import sent_contract

    contract = sent_contract(administrator, director=director)
    lifecycle.contract_sign(actor=director, contract=contract, scan=pdf_file("signe.pdf"))

    def done():
        contract.refresh_from_db()
        return contract.status == ContractStatus.ACTIVE

    return {
        "url": reverse("contracts:activate", args=[contract.pk]),
        "page": reverse("contracts:detail", args=[contract.pk]),
        "data": lambda: {"final_copy": pdf_file("final.pdf")},
        "done": done,
    }


@pytest.fixture
def payment(administrator, director):
    from django.utils import timezone

    from contracts.models import Payment
    from contracts.tests.factories import active_contract

    tranche = active_contract(administrator, director).tranches.get(year=1, position=1)
    url = reverse("contracts:payment_record", args=[tranche.pk])
    data = {
        "paid_on": timezone.localdate().isoformat(),
        "amount": str(tranche.due_amount),
        "reference": "VIR-2026-0001",
    }
    return {"url": url, "page": url, "data": data, "done": Payment.objects.exists}


ACTIONS = ["publication", "generation", "activation", "payment"]


def _data(action):
    data = action["data"]
    return data() if callable(data) else data


@pytest.fixture(params=ACTIONS)
def action(request):
    return request.getfixturevalue(request.param)


def test_a_fresh_login_needs_no_confirmation(client, administrator, action):
    client.force_login(administrator)

    response = client.post(action["url"], _data(action))

    assert response.status_code == 302
    assert not response.url.startswith(CONFIRM)
    assert action["done"]()


def test_an_old_login_is_asked_for_the_password_and_the_post_is_not_replayed(
    client, administrator, action
):
    client.force_login(administrator)
    _password_given_minutes_ago(client, 11)
    referer = f"http://testserver{action['page']}"

    response = client.post(action["url"], _data(action), HTTP_REFERER=referer)

    assert response.status_code == 302
    assert response.url.startswith(CONFIRM)
    assert not action["done"]()
    confirm_page = client.get(response.url)
    assert ASKED in page_text(confirm_page)
    assert administrator.email in page_text(confirm_page)

    back = _confirm(client, response.url)
    assert back.url == action["page"]
    assert not action["done"]()
    # Sent again, knowingly: it goes through.
    again = client.post(action["url"], _data(action))
    assert not again.url.startswith(CONFIRM)
    assert action["done"]()


def test_a_wrong_password_keeps_the_action_closed(client, administrator, action):
    client.force_login(administrator)
    _password_given_minutes_ago(client, 30)

    confirm_url = client.post(action["url"], _data(action)).url
    refused = _confirm(client, confirm_url, password="pas-le-bon")

    assert refused.status_code == 200
    assert "Mot de passe incorrect" in page_text(refused)
    assert client.post(action["url"], _data(action)).url.startswith(CONFIRM)
    assert not action["done"]()


@pytest.mark.parametrize("name", ["publication", "payment"])
def test_an_old_login_opening_the_page_comes_back_to_it(client, administrator, name, request):
    action = request.getfixturevalue(name)
    client.force_login(administrator)
    _password_given_minutes_ago(client, 11)

    response = client.get(action["page"])

    assert response.url == f"{CONFIRM}?next={action['page'].replace('/', '%2F')}"
    assert _confirm(client, response.url).url == action["page"]
    assert client.get(action["page"]).status_code == 200


def test_a_login_just_under_the_limit_is_still_fresh(client, administrator, payment):
    client.force_login(administrator)
    _password_given_minutes_ago(client, 9)

    assert client.get(payment["page"]).status_code == 200


def test_the_limit_is_a_setting(client, administrator, payment, settings):
    settings.REAUTHENTICATION_MAX_AGE = timedelta(minutes=2)
    client.force_login(administrator)
    _password_given_minutes_ago(client, 3)

    assert client.get(payment["page"]).url.startswith(CONFIRM)


def test_the_password_login_counts_as_a_confirmation(client, administrator, payment):
    from accounts.tests.otp import confirmed_device, totp_code

    device = confirmed_device(administrator)
    second = client.post(
        reverse("accounts:login"), {"username": administrator.email, "password": PASSWORD}
    )
    client.post(second.url, {"code": totp_code(device)})

    assert client.get(payment["page"]).status_code == 200


def test_people_without_the_right_are_refused_not_asked_for_a_password(client, director, action):
    client.force_login(director)
    _password_given_minutes_ago(client, 60)

    response = client.post(action["url"], _data(action))

    assert response.status_code == 403
    assert not action["done"]()


def test_repeated_wrong_passwords_lock_the_confirmation(client, administrator, payment):
    client.force_login(administrator)
    _password_given_minutes_ago(client, 30)
    confirm_url = client.get(payment["page"]).url
    for _attempt in range(5):
        _confirm(client, confirm_url, password="pas-le-bon")

    locked = _confirm(client, confirm_url)

    assert locked.status_code == 429
    assert client.get(payment["page"]).url.startswith(CONFIRM)
