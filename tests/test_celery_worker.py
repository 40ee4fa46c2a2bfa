"""One e-mail through a real Celery worker process and the real Redis broker."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from core.mail import mail_queue
from core.models import OutgoingMail

ROOT = Path(__file__).resolve().parent.parent
BROKER_URL = os.environ.get("CELERY_BROKER_URL")

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not BROKER_URL, reason="CELERY_BROKER_URL is not set (CI sets it)"),
]


def _database_url():
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.fixture
def worker(transactional_db, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share with the test: PostgreSQL")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clusters_portal.settings.local",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "clusters_portal",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--queues",
            "celery",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    yield process, tmp_path / "mail", output
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _wait_until(predicate, seconds=40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_mail_goes_through_a_real_worker_once(worker, settings):
    from clusters_portal.celery import app

    process, mail_dir, output = worker
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    try:
        queued = mail_queue(
            template="password_reset",
            to="salma@cluster-a.ma",
            language="fr",
            context={"user": {"full_name": "Salma"}, "link": "https://portail/x/"},
            key="worker-test",
        )
        from core.tasks import outgoing_mail_send

        sent = _wait_until(
            lambda: OutgoingMail.objects.get(pk=queued.pk).status == OutgoingMail.Status.SENT
        )
        assert sent, "the worker did not send the mail in time"
        # The same task delivered again (as after a worker crash) must not send twice.
        outgoing_mail_send.delay(queued.pk)
        done_twice = _wait_until(
            lambda: (
                sum("outgoing_mail_send" in line and "succeeded" in line for line in output) == 2
            )
        )
        assert done_twice, "".join(output)
    finally:
        app.conf.task_always_eager = True

    assert process.poll() is None, "the worker died"
    files = list(mail_dir.glob("*.log"))
    assert len(files) == 1
    assert any("succeeded" in line and ": False" in line for line in output)
    content = files[0].read_text()
    assert "To: salma@cluster-a.ma" in content
    assert "X-Portal-Mail-Key: worker-test" in content
