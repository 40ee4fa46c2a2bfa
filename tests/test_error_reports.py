"""Error reports leave for a real HTTP endpoint (a stand-in for Sentry or GlitchTip), and what
arrives names the error and the request id, never an e-mail address, a password or a cookie."""

import os
import subprocess
import sys

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from clusters_portal.celery import app
from core.logging import RequestIdMiddleware
from tests.sentry_server import SentryServer
from tests.workers import BROKER_URL, ROOT, Worker, database_url, wait_until

REQUEST_ID = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
PASSWORD = "Ma-Phrase-Secrete-2026"
SESSION_COOKIE = "sessionid="
FAILING_TASK = "tests.worker_hooks.fail_with_personal_data"


@pytest.fixture
def sentry():
    server = SentryServer()
    yield server
    server.stop()


@pytest.fixture
def postgresql(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the other process needs a database it can share with the test: PostgreSQL")


def assert_nothing_personal(sentry, email):
    sent = sentry.everything_sent()
    assert email not in sent
    assert PASSWORD not in sent
    assert SESSION_COOKIE not in sent


def test_a_view_error_is_reported_without_personal_data(postgresql, sentry, director):
    subprocess.run(
        [sys.executable, "-m", "tests.sentry_view_probe", director.email, REQUEST_ID],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "clusters_portal.settings.test",
            "DATABASE_URL": database_url(),
            "SENTRY_DSN": sentry.dsn,
            "SENTRY_ENVIRONMENT": "test",
            # Not on the command line: the report lists the process's arguments.
            "PROBE_PASSWORD": PASSWORD,
        },
        check=True,
        timeout=120,
    )

    [event] = sentry.events()
    [exception] = event["exception"]["values"]
    assert exception["type"] == "ValueError"
    assert exception["value"] == "No cluster for [email]"
    assert event["tags"]["request_id"] == REQUEST_ID
    assert event["environment"] == "test"
    assert event["user"] == {"id": str(director.pk)}
    assert "data" not in event["request"]
    assert "cookies" not in event["request"]
    assert not {"cookie", "authorization"} & {name.lower() for name in event["request"]["headers"]}
    breadcrumbs = [crumb["message"] for crumb in event["breadcrumbs"]["values"]]
    assert "Looking up the cluster of [email]" in breadcrumbs
    assert_nothing_personal(sentry, director.email)


def task_events(sentry):
    # Only this task's: a worker also runs whatever earlier tests left in the queue.
    return [event for event in sentry.events() if event.get("transaction") == FAILING_TASK]


@pytest.mark.worker
@pytest.mark.skipif(not BROKER_URL, reason="CELERY_BROKER_URL is not set (CI sets it)")
def test_a_task_error_is_reported_with_the_request_id(postgresql, sentry, tmp_path):
    email = "salma@cluster-a.ma"
    worker = Worker(tmp_path, SENTRY_DSN=sentry.dsn)
    app.conf.task_always_eager = False

    def enqueue(request):
        app.send_task(FAILING_TASK, args=[email])
        return HttpResponse()

    try:
        # Enqueued while a request is handled: the task takes that request's id along.
        RequestIdMiddleware(enqueue)(RequestFactory().get("/", HTTP_X_REQUEST_ID=REQUEST_ID))
        assert wait_until(lambda: task_events(sentry)), worker.log()
    finally:
        app.conf.task_always_eager = True
        worker.stop()

    [event] = task_events(sentry)
    [exception] = event["exception"]["values"]
    assert exception["type"] == "ValueError"
    assert exception["value"] == "Nothing to send to [email]"
    assert event["tags"]["request_id"] == REQUEST_ID
    assert event["extra"]["celery-job"]["args"] == "[Filtered]"
    assert_nothing_personal(sentry, email)
