"""Each flash message reaches the page of the request that produced it, once (core/flash.py).

The parallel requests of a real browser are in tests/test_parallel_messages.py; here the
interleavings are played one request after the other with the test client.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.test import Client

from core import flash

from .messages import shown

pytestmark = [pytest.mark.django_db, pytest.mark.urls("core.tests.urls_flash")]


@pytest.fixture
def client():
    """Django's own client: addresses as the server gives them, tokens included."""
    return Client()


def token_in(url):
    return parse_qs(urlsplit(url).query)[flash.PARAMETER][0]


def test_a_message_reaches_the_page_its_redirect_opens_once(client):
    response = client.post("/flash/refuse/1/")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/"

    page = client.get(response["Location"])

    assert shown(page.content) == ["Refus numéro 1"]
    assert shown(client.get(response["Location"]).content) == []
    assert shown(client.get("/").content) == []


def test_two_requests_at_once_each_find_their_own_message(client):
    # Both refusals are answered before either redirect is followed, as with a double click.
    first = client.post("/flash/refuse/1/")
    second = client.post("/flash/refuse/2/")

    assert shown(client.get(second["Location"]).content) == ["Refus numéro 2"]
    assert shown(client.get(first["Location"]).content) == ["Refus numéro 1"]
    assert shown(client.get("/").content) == []


def test_a_message_of_a_page_rendered_at_once_is_shown_there_and_kept_nowhere(client):
    page = client.post("/flash/render/")

    assert page.status_code == 200
    assert shown(page.content) == ["Refus montré sur place"]
    assert not [name for name in page.cookies if name.startswith(flash.COOKIE_PREFIX)]
    assert shown(client.get("/").content) == []


def test_a_message_its_answer_did_not_show_never_appears_on_another_page(client):
    assert client.post("/flash/fragment/").status_code == 200

    assert shown(client.get("/").content) == []


def test_an_htmx_redirect_carries_its_message(client):
    response = client.post("/flash/htmx/", headers={"HX-Request": "true"})

    assert urlsplit(response["HX-Redirect"]).path == "/"
    assert shown(client.get(response["HX-Redirect"]).content) == ["Refus pour htmx"]


def test_no_token_is_sent_to_another_site(client):
    response = client.post("/flash/elsewhere/")

    assert response["Location"] == "https://example.org/"
    assert shown(client.get("/").content) == []


def test_a_tampered_cookie_or_a_made_up_token_shows_nothing_and_never_fails(client):
    first = token_in(client.post("/flash/refuse/1/")["Location"])
    second = token_in(client.post("/flash/refuse/2/")["Location"])
    signed = client.cookies[flash.cookie_name(first)].value

    # A message's text cannot be written by hand...
    forged = signing.dumps("<b>Faux message</b>", salt="core.flash:" + first)
    client.cookies[flash.cookie_name(first)] = forged[:-3] + "abc"
    # ...nor moved to another address.
    client.cookies[flash.cookie_name(second)] = signed
    for token in (first, second, "A" * 16, "../../etc/passwd", ""):
        page = client.get("/", {flash.PARAMETER: token})
        assert page.status_code == 200, token
        assert shown(page.content) == [], token


def test_a_cookie_older_than_its_life_shows_nothing(client, monkeypatch):
    response = client.post("/flash/refuse/1/")
    monkeypatch.setattr(flash, "SECONDS", -1)

    assert shown(client.get(response["Location"]).content) == []


def test_the_portal_markup_is_kept_and_typed_text_stays_text(client):
    page = client.get(client.post("/flash/markup/")["Location"])

    assert '<a href="/">&lt;le dossier&gt;</a>' in page.content.decode()
    assert "<script>alert(1)</script>" not in page.content.decode()
    assert shown(page.content)[1] == "<script>alert(1)</script>"


def test_messages_too_long_for_a_cookie_wait_in_the_session_and_are_shown_once(client):
    response = client.post("/flash/long/12/")
    cookie = client.cookies[flash.cookie_name(token_in(response["Location"]))]
    assert len(cookie.value) < 200

    page = client.get(response["Location"])

    assert [text.split(" :")[0] for text in shown(page.content)] == [
        f"Avertissement {number}" for number in range(12)
    ]
    assert shown(client.get(response["Location"]).content) == []


def test_a_few_messages_travel_in_the_cookie_alone(client):
    response = client.post("/flash/long/2/")

    assert not any(key.startswith("flash:") for key, _value in client.session.items())
    assert len(shown(client.get(response["Location"]).content)) == 2


def test_a_page_without_messages_sets_no_cookie(client):
    page = client.get("/")

    assert not [name for name in page.cookies if name.startswith(flash.COOKIE_PREFIX)]
