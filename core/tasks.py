import smtplib

from celery import shared_task

from .mail import is_temporary, outgoing_mail_deliver, outgoing_mail_record_failure

MAIL_MAX_RETRIES = 8
# The longest wait before a retry; the broker's visibility timeout must be longer.
MAIL_RETRY_MAX_COUNTDOWN = 3600


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
