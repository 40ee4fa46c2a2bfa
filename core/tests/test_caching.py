"""The portal's cache: public pages served to visitors without a query, never stale, never
someone else's; values kept under versions that services renew."""

import re
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.middleware.csrf import (  # type: ignore[attr-defined]  # private: the stubs omit it
    _unmask_cipher_token,
)
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.services.calls import call_deadline_change, call_save
from applications.tests.factories import CallFactory, RequiredDocumentFactory
from core.caching import PUBLIC, VISITOR_SECONDS, renew, seconds_for_calls
from core.tests.client import page_text

pytestmark = pytest.mark.django_db


def _detail(call):
    return reverse("applications:call_detail", args=[call.reference])


def _token(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def test_a_visitor_page_seen_again_makes_no_query(django_assert_num_queries):
    call = RequiredDocumentFactory().call
    visitor = Client()
    first = visitor.get(_detail(call))

    with django_assert_num_queries(0):
        again = Client().get(_detail(call))

    assert again.status_code == 200
    assert page_text(again).replace(_token(again), "") == page_text(first).replace(
        _token(first), ""
    )


def test_each_visitor_gets_a_csrf_token_of_their_own_and_can_switch_language():
    call = RequiredDocumentFactory().call
    Client().get(_detail(call))  # stored by a first visitor

    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(_detail(call))
        token = _token(page)
        assert _unmask_cipher_token(token) == visitor.cookies["csrftoken"].value
        switched = visitor.post(
            reverse("accounts:language_set"),
            {"language": "ar", "next": _detail(call), "csrfmiddlewaretoken": token},
        )
        assert switched.status_code == 302


def test_a_new_deadline_shows_at_once(administrator, django_capture_on_commit_callbacks):
    call = RequiredDocumentFactory().call
    assert "Clôture le" in page_text(Client().get(_detail(call)))
    later = timezone.localtime(call.closes_at + timedelta(days=9))

    with django_capture_on_commit_callbacks(execute=True):
        call_deadline_change(
            actor=administrator, call=call, closes_at=later, reason="Demande des fédérations."
        )

    assert f"{later.day} " in page_text(Client().get(_detail(call)))
    assert later.strftime("%Hh%M") in page_text(Client().get(_detail(call)))


def test_the_page_of_a_call_that_closes_is_not_kept_past_its_deadline():
    call = RequiredDocumentFactory(call__closes_at=timezone.now() + timedelta(seconds=2)).call
    assert "Clôture le" in page_text(Client().get(_detail(call)))

    time.sleep(2.2)

    assert "Clôturé le" in page_text(Client().get(_detail(call)))


def test_a_signed_in_person_never_gets_nor_leaves_a_visitor_page(client, director):
    call = RequiredDocumentFactory().call
    Client().get(_detail(call))
    client.force_login(director)

    own = page_text(client.get(_detail(call)))
    visitor = page_text(Client().get(_detail(call)))

    assert director.full_name in own
    assert director.full_name not in visitor


def test_pages_are_kept_per_language():
    call = RequiredDocumentFactory().call
    french = page_text(Client().get(_detail(call)))
    arabic = page_text(Client(HTTP_ACCEPT_LANGUAGE="ar").get(_detail(call)))

    assert 'lang="fr"' in french and "Calendrier" in french
    assert 'lang="ar"' in arabic and "Calendrier" not in arabic


def test_a_published_change_to_a_call_reaches_the_call_list(
    administrator, django_capture_on_commit_callbacks
):
    call = CallFactory(title="Appel 2031")
    assert "Appel 2031" in page_text(Client().get(reverse("applications:call_list")))

    with django_capture_on_commit_callbacks(execute=True):
        call_save(actor=administrator, call=call, title_fr="Appel 2032")

    listed = page_text(Client().get(reverse("applications:call_list")))
    assert "Appel 2031" not in listed and "Appel 2032" in listed


def test_the_time_a_page_is_kept_ends_when_its_text_would_change():
    now = timezone.now()
    closing = CallFactory.build(
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(hours=2, seconds=45)
    )
    opening = CallFactory.build(
        opens_at=now + timedelta(seconds=30), closes_at=now + timedelta(days=9)
    )
    past = CallFactory.build(opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))

    # The countdown says "2 hours" for 45 more seconds.
    assert seconds_for_calls([closing], now) == 45
    assert seconds_for_calls([closing, opening], now) == 30
    assert seconds_for_calls([past], now) == VISITOR_SECONDS


def test_a_renewal_reaches_visitors_once_its_transaction_commits(
    django_capture_on_commit_callbacks,
):
    call = RequiredDocumentFactory().call
    Client().get(_detail(call))  # kept
    call.title = "Appel renommé"
    call.save()

    with django_capture_on_commit_callbacks(execute=False) as pending:
        renew(PUBLIC)
    # Not before the transaction commits: a reader could still see the old data.
    assert "Appel renommé" not in page_text(Client().get(_detail(call)))
    for callback in pending:
        callback()

    assert "Appel renommé" in page_text(Client().get(_detail(call)))


def test_with_the_portal_cache_off_visitors_get_a_page_made_for_them(settings):
    call = RequiredDocumentFactory().call
    Client().get(_detail(call))
    settings.PORTAL_CACHE = False

    with CaptureQueriesContext(connection) as made:
        assert Client().get(_detail(call)).status_code == 200

    assert len(made.captured_queries) > 0
