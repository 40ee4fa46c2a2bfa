"""One e-mail through a real Celery worker process and the real Redis broker."""

import pytest
from django.db import connection

from core.mail import mail_queue
from core.models import MailStatus, OutgoingMail
from tests.workers import BROKER_URL, Worker, wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not BROKER_URL, reason="CELERY_BROKER_URL is not set (CI sets it)"),
]


@pytest.fixture
def worker(transactional_db, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share with the test: PostgreSQL")
    process = Worker(tmp_path)
    yield process.process, tmp_path / "mail", process.output
    process.stop()


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

        sent = wait_until(lambda: OutgoingMail.objects.get(pk=queued.pk).status == MailStatus.SENT)
        assert sent, "the worker did not send the mail in time"
        # The same task delivered again (as after a worker crash) must not send twice.
        outgoing_mail_send.delay(queued.pk)
        done_twice = wait_until(
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
