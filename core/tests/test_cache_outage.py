"""A cache outage never fails a request: the cache on a real Redis of its own (the broker is
elsewhere), stopped in the middle of the test, then started again."""

import time

import pytest
import redis
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from applications.models import DossierStatus
from applications.tests.builders import complete, draft_for
from applications.tests.factories import RequiredDocumentFactory
from core import cache as backend
from core.tests.client import CommittingClient, page_text

pytestmark = pytest.mark.django_db


def _settings(url):
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "core.cache.RedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        },
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
    )


def _log_in(client, email, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def _kept_pages(url):
    return redis.Redis.from_url(url).keys("*visitor-page:*")


def test_pages_and_logins_work_while_the_cache_is_down(redis_server, director):
    call = RequiredDocumentFactory().call
    page = reverse("applications:call_detail", args=[call.reference])
    with _settings(redis_server.url()):
        visitor, person = Client(), Client()
        assert visitor.get(page).status_code == 200  # kept in Redis
        assert _kept_pages(redis_server.url())
        signed_in = _log_in(person, director.email)
        assert signed_in.status_code == 302

        redis_server.stop()
        started = time.monotonic()

        assert call.title in page_text(visitor.get(page))
        assert person.get(reverse("core:dashboard")).status_code == 200
        again = _log_in(Client(), director.email)
        assert again.status_code == 302 and again.url == reverse("core:dashboard")
        assert person.post(reverse("accounts:logout")).status_code == 302
        # Each cache call fails at once, or is not even tried: no request waits on the cache.
        assert time.monotonic() - started < 3


def test_a_dossier_is_saved_and_submitted_while_the_cache_is_down(redis_server, director):
    dossier = complete(draft_for(director), director)
    with _settings(redis_server.url()):
        # Committing: the callbacks run as live (the public pages' new version, the receipt).
        person = CommittingClient()
        assert _log_in(person, director.email).status_code == 302
        redis_server.stop()

        saved = person.post(
            reverse("applications:dossier_section", args=[dossier.pk, "perimetre"]),
            {"perimeter": "Rabat, Salé et Kénitra"},
        )
        assert saved.url == reverse("applications:dossier_detail", args=[dossier.pk])
        review = reverse("applications:dossier_review", args=[dossier.pk])
        assert person.get(review).status_code == 200
        submitted = person.post(review, {"declaration": "on"})
        assert submitted.url.startswith(
            reverse("applications:dossier_confirmation", args=[dossier.pk])
        )
        confirmation = page_text(person.get(submitted.url))

    assert "Votre dossier a bien été déposé" in confirmation
    dossier.refresh_from_db()
    assert dossier.perimeter == "Rabat, Salé et Kénitra"
    assert dossier.status == DossierStatus.SUBMITTED


def test_public_pages_are_made_without_the_cache_and_kept_again_once_it_is_back(
    redis_server, monkeypatch
):
    monkeypatch.setattr(backend, "RESTING_SECONDS", 0.2)
    call = RequiredDocumentFactory().call
    page = reverse("applications:call_detail", args=[call.reference])
    with _settings(redis_server.url()):
        assert Client().get(page).status_code == 200
        redis_server.stop()
        # Made from the database on each request: a change shows at once.
        type(call).objects.filter(pk=call.pk).update(title_fr="Appel renommé pendant la panne")
        assert "Appel renommé pendant la panne" in page_text(Client().get(page))

        redis_server.start()  # an empty Redis, as after a restart
        time.sleep(0.3)
        assert "Appel renommé pendant la panne" in page_text(Client().get(page))
        assert _kept_pages(redis_server.url()), "the page was not kept again"
        assert "Appel renommé pendant la panne" in page_text(Client().get(page))


def test_the_cache_is_used_again_once_it_is_back(redis_server, monkeypatch):
    monkeypatch.setattr(backend, "RESTING_SECONDS", 0.2)
    with _settings(redis_server.url()):
        cache.set("kept", 1, 30)
        redis_server.stop()
        assert cache.get("kept") is None
        assert cache.set("other", 2, 30) is None

        redis_server.start()
        time.sleep(0.3)
        cache.set("other", 2, 30)
        assert cache.get("other") == 2


def _resend(client, email):
    return client.post(reverse("accounts:verification_resend"), {"email": email})


def test_rate_limits_fail_open_while_the_cache_is_down(redis_server, monkeypatch):
    """RATELIMIT_FAIL_OPEN: with no counter to read, a form that sends mail is not limited
    (rather than refused to everyone); counting starts again once the cache is back."""
    monkeypatch.setattr(backend, "RESTING_SECONDS", 0.2)
    with _settings(redis_server.url()):
        visitor = Client()
        assert [_resend(visitor, "a@cluster.ma").status_code for _ in range(4)] == [302] * 3 + [429]

        redis_server.stop()
        assert [_resend(visitor, "b@cluster.ma").status_code for _ in range(5)] == [302] * 5

        redis_server.start()
        time.sleep(0.3)
        assert [_resend(visitor, "b@cluster.ma").status_code for _ in range(4)] == [302] * 3 + [429]


def test_login_lockout_holds_while_the_cache_is_down(redis_server, director):
    """django-axes counts failed logins in the database: the cache has no part in it."""
    with _settings(redis_server.url()):
        redis_server.stop()
        person = Client()
        failures = [_log_in(person, director.email, "wrong-password") for _ in range(5)]
        # The fifth failure locks the account; the right password then changes nothing.
        assert [failure.status_code for failure in failures] == [200] * 4 + [429]
        locked = _log_in(person, director.email)

    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in page_text(locked)
    assert "_auth_user_id" not in person.session
