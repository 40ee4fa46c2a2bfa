"""/readyz against the real services: PostgreSQL, a Redis of the test's own stopped in the
middle, a real Celery worker, the test clamd."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from core import metrics
from core.tests.clamav import clamd_socket  # noqa: F401 -- the fixture
from tests.workers import BROKER_URL, Worker, wait_until

READYZ = reverse("readyz")

pytestmark = pytest.mark.django_db


def ask(method, client=None):
    """/readyz is an async view, which the test client runs through async_to_sync: refused in a
    thread that already runs an event loop, as the main thread does once a browser test has
    started Playwright's. A thread of its own has none, whatever ran before."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(getattr(client or Client(), method), READYZ).result()


def readiness():
    response = ask("get")
    return response.status_code, response.json()


def test_inline_tasks_need_no_broker_nor_worker():
    status, body = readiness()

    assert status == 200 and body["status"] == "ok"
    assert body["checks"]["broker"] == {"status": "ok", "mode": "inline"}
    assert body["checks"]["worker"] == {"status": "ok", "mode": "inline"}
    assert body["checks"]["clamd"] == {"status": "ok", "mode": "not configured"}
    for name in ("database", "cache", "storage"):
        assert body["checks"][name]["status"] == "ok"
        assert body["checks"][name]["latency_ms"] >= 0


def test_readiness_is_never_cached_and_only_read(client):
    response = ask("get", client)

    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert ask("post", client).status_code == 405


def test_a_stopped_redis_makes_the_node_unready_and_names_the_broker(redis_server, settings):
    # One Redis server, with the cache and the broker in two of its databases: stopping it
    # takes both away.
    settings.CELERY_BROKER_URL = redis_server.url(0)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": redis_server.url(1),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # No worker in this test: its check is reported, not required.
    settings.READYZ_OPTIONAL_CHECKS = ["cache", "worker"]
    status, body = readiness()
    assert status == 200, body
    assert body["checks"]["broker"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "ok"
    assert body["checks"]["worker"] == {
        "status": "fail",
        "required": False,
        "latency_ms": body["checks"]["worker"]["latency_ms"],
        "error": "ServiceUnavailable",
    }

    redis_server.stop()
    started = time.monotonic()
    status, body = readiness()

    assert status == 503 and body["status"] == "unavailable"
    assert body["checks"]["broker"]["status"] == "fail"
    assert body["checks"]["broker"]["required"] is True
    assert body["checks"]["broker"]["error"] == "ConnectionError"
    assert body["checks"]["cache"]["status"] == "fail"
    assert body["checks"]["database"]["status"] == "ok"
    # Every check has a timeout: a generous bound, not a measure.
    assert time.monotonic() - started < 10
    # Only names, states, latencies and error classes: no host, port or message.
    assert "127.0.0.1" not in str(body) and str(redis_server.port) not in str(body)


def test_clamd_answering_and_clamd_gone(clamd_socket, settings, tmp_path):  # noqa: F811
    settings.CLAMD_SOCKET = clamd_socket
    status, body = readiness()
    assert status == 200
    assert body["checks"]["clamd"]["status"] == "ok"
    assert body["checks"]["clamd"]["latency_ms"] >= 0

    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")
    status, body = readiness()
    assert status == 503
    assert body["checks"]["clamd"] == {
        "status": "fail",
        "required": True,
        "latency_ms": body["checks"]["clamd"]["latency_ms"],
        "error": "ServiceUnavailable",
    }


@pytest.mark.worker
@pytest.mark.skipif(not BROKER_URL, reason="CELERY_BROKER_URL is not set (CI sets it)")
def test_all_green_with_a_real_worker_which_counts_its_failed_tasks(
    transactional_db, tmp_path, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share with the test: PostgreSQL")
    from clusters_portal.celery import app
    from core.tasks import outgoing_mail_send

    redis = metrics.broker_redis()
    redis.delete(metrics.FAILED_KEY)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    worker = Worker(tmp_path)
    try:
        assert wait_until(lambda: readiness()[0] == 200), (readiness(), worker.log())
        status, body = readiness()
        assert status == 200
        assert {check["status"] for check in body["checks"].values()} == {"ok"}
        assert body["checks"]["worker"]["required"] is True
        assert body["checks"]["worker"]["latency_ms"] > 0

        # A mail that does not exist: the task fails in the worker, which counts it.
        outgoing_mail_send.delay(0)
        counted = wait_until(lambda: redis.hget(metrics.FAILED_KEY, outgoing_mail_send.name))
        assert counted, worker.log()
        assert int(redis.hget(metrics.FAILED_KEY, outgoing_mail_send.name)) == 1
    finally:
        app.conf.task_always_eager = True
        worker.stop()
        redis.delete(metrics.FAILED_KEY)
