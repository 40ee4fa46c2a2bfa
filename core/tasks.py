import smtplib
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .mail import is_temporary, outgoing_mail_deliver, outgoing_mail_record_failure
from .models import MailStatus, OutgoingMail

MAIL_MAX_RETRIES = 8
# The longest wait before a retry; the broker's visibility timeout must be longer.
MAIL_RETRY_MAX_COUNTDOWN = 3600
# Left to the worker that normally takes it straight away before the sweep sends it again.
PENDING_GRACE = timedelta(minutes=5)


@shared_task(bind=True, max_retries=MAIL_MAX_RETRIES)
def outgoing_mail_send(self, mail_id):
    try:
        return outgoing_mail_deliver(mail_id=mail_id)
    except (smtplib.SMTPException, OSError) as exc:
        final = not is_temporary(exc) or self.request.retries >= self.max_retries
        outgoing_mail_record_failure(mail_id=mail_id, error=exc, final=final)
        if final:
            return False
        # 30 s, 1 min, 2 min… capped at one hour: the mail server gets time to come back.
        raise self.retry(
            exc=exc, countdown=min(MAIL_RETRY_MAX_COUNTDOWN, 30 * 2**self.request.retries)
        ) from exc


@shared_task
def pending_mails_send():
    """E-mails never handed to a worker (the broker was away when they were queued)."""
    stale = timezone.now() - PENDING_GRACE
    pending = OutgoingMail.objects.filter(
        status=MailStatus.PENDING, attempts=0, created_at__lt=stale
    ).values_list("pk", flat=True)
    for mail_id in pending:
        outgoing_mail_send.delay(mail_id)
    return len(pending)
