import smtplib

import pytest
from django.core import mail

from core.mail import mail_queue, outgoing_mail_deliver
from core.models import MailStatus, OutgoingMail
from core.tasks import outgoing_mail_send


def _queue(django_capture_on_commit_callbacks, **overrides):
    arguments = {
        "template": "password_reset",
        "to": "salma@cluster-a.ma",
        "language": "fr",
        "context": {"user": {"full_name": "Salma"}, "link": "https://portail/x/"},
        "key": "reset:1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        return mail_queue(**{**arguments, **overrides})


@pytest.mark.django_db
def test_mail_is_rendered_in_the_recipient_language(django_capture_on_commit_callbacks):
    _queue(django_capture_on_commit_callbacks, language="en")

    assert mail.outbox[0].subject == "New password — Clusters Portal"
    html = mail.outbox[0].alternatives[0].content
    assert 'lang="en"' in html


@pytest.mark.django_db
def test_arabic_mail_is_right_to_left(django_capture_on_commit_callbacks):
    _queue(django_capture_on_commit_callbacks, language="ar")

    assert 'dir="rtl"' in mail.outbox[0].alternatives[0].content


@pytest.mark.django_db
def test_queueing_the_same_key_twice_sends_once(django_capture_on_commit_callbacks):
    _queue(django_capture_on_commit_callbacks)
    _queue(django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    assert OutgoingMail.objects.get().status == MailStatus.SENT


@pytest.mark.django_db
def test_a_redelivered_task_does_not_send_again(django_capture_on_commit_callbacks):
    queued = _queue(django_capture_on_commit_callbacks)

    assert outgoing_mail_deliver(mail_id=queued.pk) is False
    outgoing_mail_send.delay(queued.pk)

    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        mail_queue(template="password_reset", to="a@b.ma", language="fr", context={"link": "x"})
        transaction.set_rollback(True)

    assert mail.outbox == []
    assert not OutgoingMail.objects.exists()


@pytest.fixture
def retrying_celery():
    """As outside tests: Celery's own retry path runs instead of the failure propagating."""
    from clusters_portal.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


class FlakyBackend:
    """An SMTP server that refuses the first connection, then accepts."""

    calls = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.calls == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        mail.outbox.extend(messages)
        return len(messages)


@pytest.mark.django_db
def test_a_temporary_smtp_failure_is_retried_and_sent_once(
    settings, retrying_celery, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.calls = 0

    queued = _queue(django_capture_on_commit_callbacks)

    queued.refresh_from_db()
    assert FlakyBackend.calls == 2
    assert len(mail.outbox) == 1
    assert queued.status == MailStatus.SENT
    assert queued.attempts == 2


class DownBackend(FlakyBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("Connection refused")


@pytest.mark.django_db
def test_a_mail_server_that_stays_down_marks_the_mail_failed(
    settings, retrying_celery, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"

    queued = _queue(django_capture_on_commit_callbacks)

    queued.refresh_from_db()
    assert queued.status == MailStatus.FAILED
    assert queued.attempts == 9
    assert "Connection refused" in queued.last_error


class RefusingBackend(FlakyBackend):
    def send_messages(self, messages):
        FlakyBackend.calls += 1
        raise smtplib.SMTPRecipientsRefused({"salma@cluster-a.ma": (550, b"No such user")})


@pytest.mark.django_db
def test_a_permanent_refusal_is_not_retried(
    settings, retrying_celery, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    FlakyBackend.calls = 0

    queued = _queue(django_capture_on_commit_callbacks)

    queued.refresh_from_db()
    assert FlakyBackend.calls == 1
    assert queued.status == MailStatus.FAILED


@pytest.mark.django_db
def test_a_sensitive_mail_keeps_no_body_once_sent(django_capture_on_commit_callbacks):
    queued = _queue(django_capture_on_commit_callbacks, sensitive=True)

    queued.refresh_from_db()
    assert "https://portail/x/" in mail.outbox[0].body
    assert "https://portail/x/" not in queued.body_text + queued.body_html
