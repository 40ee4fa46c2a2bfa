from celery import shared_task
from django.utils import timezone

from core.tasks import PENDING_GRACE

from .models import Receipt
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


@shared_task
def pending_receipts_render():
    """Receipts whose render was never handed to a worker (the broker was away at submission)."""
    stale = timezone.now() - PENDING_GRACE
    pending = Receipt.objects.filter(pdf="", submitted_at__lt=stale).values_list("pk", flat=True)
    for receipt_id in pending:
        receipt_render.delay(receipt_id)
    return len(pending)
