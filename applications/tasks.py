from celery import shared_task

from .services.receipts import receipt_mail_queue, receipt_pdf_render
from .services.reminders import deadline_reminders_send


@shared_task(bind=True, max_retries=3)
def receipt_render(self, receipt_id):
    receipt = receipt_pdf_render(receipt_id=receipt_id)
    receipt_mail_queue(receipt=receipt)


@shared_task
def deadline_reminders():
    return len(deadline_reminders_send())
