"""Requests sent at once in one session each show their own message, once (issue 16, edge 9).

With the messages kept in the session, six refusals sent together showed anything from none
to all six messages, some on the page of another refusal: each request wrote the session
back with only what it had seen.
"""

import threading
from urllib.parse import urljoin

import pytest
import requests
from django.conf import settings
from django.urls import reverse

from contracts.tests.factories import sent_contract
from core.tests.client import VerifiedLoginClient
from core.tests.messages import shown

# A CSRF secret of our own, sent as the cookie and the header, as a page's script would.
CSRF = "parallelmessages0123456789abcdef"
TIMEOUT = 60


def signed_in_session(live_server, person):
    client = VerifiedLoginClient()
    client.force_login(person)
    session = requests.Session()
    session.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    session.cookies.set(settings.CSRF_COOKIE_NAME, CSRF)
    session.headers["X-CSRFToken"] = CSRF
    # The session notes its first activity: done now, so the refusals below write nothing.
    session.get(urljoin(live_server.url, reverse("core:dashboard")), timeout=TIMEOUT)
    return session


@pytest.mark.django_db(transaction=True)
def test_refusals_sent_at_once_each_show_their_own_message_once(live_server, administrator):
    contracts = [sent_contract(administrator) for _ in range(3)]
    session = signed_in_session(live_server, administrator)
    # Each contract refused twice: two requests whose redirects open the same page.
    attempts = [contract for contract in contracts for _ in range(2)]
    start = threading.Barrier(len(attempts))
    pages = [None] * len(attempts)

    def refuse(index, contract):
        url = urljoin(live_server.url, reverse("contracts:draft_update", args=[contract.pk]))
        start.wait(timeout=TIMEOUT)
        answer = session.post(url, {"legal_name": "Autre"}, allow_redirects=False, timeout=TIMEOUT)
        assert answer.status_code == 302, answer.status_code
        page = session.get(urljoin(url, answer.headers["Location"]), timeout=TIMEOUT)
        pages[index] = (page.status_code, shown(page.text))

    threads = [
        threading.Thread(target=refuse, args=(index, contract))
        for index, contract in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)

    for contract, page in zip(attempts, pages, strict=True):
        assert page is not None, "a request did not finish"
        status, messages = page
        assert status == 200
        assert len(messages) == 1, messages
        assert f"Le contrat {contract.reference} n'est plus un projet" in messages[0]
    # Nothing is left over for the next page.
    dashboard = session.get(urljoin(live_server.url, reverse("core:dashboard")), timeout=TIMEOUT)
    assert shown(dashboard.text) == []
