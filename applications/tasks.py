from celery import shared_task

from .services.receipts import receipt_mail_queue, receipt_pdf_render
from .services.reminders import deadline_reminders_send


# Storage away for a moment (disk, S3): try again later; any other failure is a bug to see.
@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=1800, max_retries=6)
def receipt_render(receipt_id):
    receipt = receipt_pdf_render(receipt_id=receipt_id)
    receipt_mail_queue(receipt=receipt)


@shared_task
def deadline_reminders():
    return len(deadline_reminders_send())
