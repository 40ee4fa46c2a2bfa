"""A worker killed (SIGKILL) in the middle of a PDF render, then after sending an e-mail but
before acknowledging it: the next worker finishes the work, and nothing is done twice."""

import pytest
import redis
from django.db import connection

from applications.models import Receipt
from applications.services.submission import dossier_submit
from applications.tests.builders import complete, draft_for
from core.models import MailStatus, OutgoingMail
from tests.workers import BROKER_URL, Worker, wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not BROKER_URL, reason="CELERY_BROKER_URL is not set (CI sets it)"),
]
# Short, so a message held by a killed worker comes back within the test; production keeps
# it longer than any task's time limit and retry countdown (see the settings).
VISIBILITY_TIMEOUT = 2


@pytest.fixture
def broker():
    """A real queue, emptied before and checked after; tasks leave the test process."""
    from clusters_portal.celery import app

    if connection.vendor != "postgresql":
        pytest.skip("the workers need a database they can share with the test: PostgreSQL")
    client = redis.Redis.from_url(BROKER_URL)
    client.delete("celery", "unacked", "unacked_index")
    app.conf.task_always_eager = False
    yield client
    app.conf.task_always_eager = True


@pytest.fixture
def workers(tmp_path):
    started = []

    def start(pause_at=""):
        worker = Worker(
            tmp_path,
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            WORKER_PAUSE_AT=pause_at,
            WORKER_PAUSE_MARKER=str(tmp_path / f"paused-{len(started)}"),
        )
        worker.marker = tmp_path / f"paused-{len(started)}"
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _kill_when_paused(worker):
    assert wait_until(worker.marker.exists), worker.log()
    worker.kill()
    # Only once unacknowledged for the visibility timeout is the message given to another.
    wait_until(lambda: False, seconds=VISIBILITY_TIMEOUT + 0.5)


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_loses_nothing_and_sends_nothing_twice(
    director, broker, workers, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    dossier = complete(draft_for(director), director)

    first = workers("receipt-file-written")
    dossier_submit(actor=director, dossier=dossier, declaration=True)
    _kill_when_paused(first)
    # Killed mid-render: its transaction rolled back, no receipt PDF, no e-mail yet.
    assert Receipt.objects.get(dossier=dossier).pdf.name == ""
    assert not OutgoingMail.objects.exists()

    second = workers("done:core.tasks.outgoing_mail_send")
    _kill_when_paused(second)
    mail = OutgoingMail.objects.get()
    assert mail.status == MailStatus.SENT

    third = workers()
    assert wait_until(lambda: "outgoing_mail_send" in third.log() and ": False" in third.log()), (
        third.log()
    )

    receipt = Receipt.objects.get(dossier=dossier)
    assert receipt.pdf.name
    assert (tmp_path / "media" / receipt.pdf.name).read_bytes().startswith(b"%PDF")
    messages = list((tmp_path / "mail").glob("*.log"))
    assert len(messages) == 1, "the e-mail went out more than once"
    assert f"X-Portal-Mail-Key: {mail.key}" in messages[0].read_text()
    assert OutgoingMail.objects.count() == 1
    # Nothing waits in the queue, nothing is still held by a worker.
    assert broker.llen("celery") == 0
    assert broker.hlen("unacked") == 0
