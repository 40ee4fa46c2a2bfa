"""Hypothesis profiles for the fuzz tests, and the check every example goes through: the
view answers without a 500, and a refused post writes nothing."""

import os
from collections import Counter, defaultdict
from contextlib import contextmanager
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import resolve
from hypothesis import HealthCheck, settings

from core.tests.client import VerifiedLoginClient

# Each test builds its world once (function-scoped fixtures) and each example runs in a
# savepoint rolled back at its end, so examples are independent without rebuilding the world.
_COMMON: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "derandomize": False,
}
settings.register_profile("dev", max_examples=10, **_COMMON)
settings.register_profile("ci", max_examples=30, **_COMMON)
settings.register_profile("deep", max_examples=300, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# 200 re-displays the form (refused); 302/303 is an accepted post or a sending back; the rest
# are deliberate refusals. 500 is never one of them.
ANSWERS = {200, 302, 303, 400, 403, 404, 409, 422}
PROJECT_APPS = ("accounts", "applications", "evaluation", "contracts", "core", "audit")
# Answers per URL name, shown at the end of the run: a form whose posts are all refused
# would be fuzzing its error path only.
ANSWERS_SEEN: defaultdict[str, Counter[int]] = defaultdict(Counter)


def world_state(*objects):
    """Rows per model of the portal, and every field of the given objects."""
    counts = {
        model._meta.label: model._default_manager.count()
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
    }
    values = {
        f"{obj._meta.label}:{obj.pk}": type(obj)._default_manager.filter(pk=obj.pk).values().first()
        for obj in objects
    }
    return counts, values


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def fuzz_post(client, url, data, *, objects=(), accepted=None, success=(302, 303), headers=None):
    """Post `data` in a savepoint that is rolled back. A refusal (the form shown again, or a
    deliberate 4xx) must leave the world as it was; an accepted post is checked by `accepted`
    while its writes are still visible."""
    # Throttling counters live in the cache: one example must not lock the next out.
    cache.clear()
    with rolled_back():
        before = world_state(*objects)
        response = client.post(url, data, headers=headers)
        assert response.status_code in ANSWERS, response.status_code
        match = resolve(url)
        ANSWERS_SEEN[f"{match.namespace}:{match.url_name}"][response.status_code] += 1
        if response.status_code in success:
            if accepted:
                accepted(response)
        else:
            assert world_state(*objects) == before, "a refused post wrote something"
    return response


@pytest.fixture
def fuzz_client():
    """A plain test client: the tasks and mails queued on commit are not what is fuzzed here,
    and running them (PDF rendering) for each example would take minutes."""
    return Client()


def logged_in(user):
    # Staff pages are reached only with the second factor given: without it every fuzzed
    # post would be sent to the code page and the forms never reached.
    client = VerifiedLoginClient()
    client.force_login(user)
    return client


def pytest_terminal_summary(terminalreporter):
    if not ANSWERS_SEEN:
        return
    terminalreporter.section("fuzzed posts: answers per URL")
    for name, answers in sorted(ANSWERS_SEEN.items()):
        counts = ", ".join(f"{status}×{count}" for status, count in sorted(answers.items()))
        terminalreporter.write_line(f"{name}: {counts}")
