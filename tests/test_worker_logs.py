"""The id a director quotes finds the worker's lines too: a request enqueues a task, a real
Celery worker runs it, and its log lines carry the task id and that request's id."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from core.logging import REQUEST_ID_HEADER
from tests.workers import BROKER_URL, Worker, wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not BROKER_URL, reason="CELERY_BROKER_URL is not set (CI sets it)"),
]

REQUEST_ID = "5e7d0c1b2a3948576f6e5d4c3b2a1908"


def _json_lines(output):
    # The worker's banner is plain text; its log lines are JSON (LOG_FORMAT=json).
    return [json.loads(text) for text in list(output) if text.startswith("{")]


def test_a_task_enqueued_by_a_request_logs_the_request_id(transactional_db, tmp_path, director):
    from clusters_portal.celery import app

    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share with the test: PostgreSQL")
    worker = Worker(tmp_path, LOG_FORMAT="json")
    app.conf.task_always_eager = False
    try:
        # The password-reset e-mail is sent by a task (core.tasks.outgoing_mail_send).
        response = Client().post(
            reverse("accounts:password_reset"),
            {"email": director.email},
            HTTP_X_REQUEST_ID=REQUEST_ID,
        )
        assert response[REQUEST_ID_HEADER] == REQUEST_ID

        def task_done():
            return any(
                line.get("task_name") == "core.tasks.outgoing_mail_send"
                and "succeeded" in line["message"]
                for line in _json_lines(worker.output)
            )

        assert wait_until(task_done), worker.log()
    finally:
        app.conf.task_always_eager = True
        worker.stop()

    done = next(
        line
        for line in _json_lines(worker.output)
        if line.get("task_name") == "core.tasks.outgoing_mail_send"
        and "succeeded" in line["message"]
    )
    assert done["request_id"] == REQUEST_ID
    assert done["task_id"] in done["message"]
    assert done["logger"] == "celery.app.trace"
