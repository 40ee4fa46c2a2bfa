from celery import shared_task
from django.utils import timezone

from core.antivirus import AntivirusUnavailable, antivirus_enabled
from core.tasks import PENDING_GRACE

from .choices import ScanStatus
from .models import Receipt
from .selectors import documents_waiting_too_long, receipts_awaiting_pdf
from .services.receipts import receipt_mail_queue, receipt_pdf_render
from .services.reminders import deadline_reminders_send
from .services.scanning import document_scan as document_scan_service

SCAN_MAX_RETRIES = 8


# Storage away for a moment (disk, S3): try again later; any other failure is a bug to see.
@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=1800, max_retries=6)
def receipt_render(receipt_id):
    # Queued before the retention policy erased its dossier: the PDF must not come back.
    if Receipt.objects.filter(pk=receipt_id, dossier__content_erased_at__isnull=False).exists():
        return
    receipt = receipt_pdf_render(receipt_id=receipt_id)
    receipt_mail_queue(receipt=receipt)


@shared_task
def deadline_reminders():
    return len(deadline_reminders_send())


@shared_task
def pending_receipts_render():
    """Receipts whose render was never handed to a worker (the broker was away at submission)."""
    stale = timezone.now() - PENDING_GRACE
    pending = receipts_awaiting_pdf().filter(submitted_at__lt=stale).values_list("pk", flat=True)
    for receipt_id in pending:
        receipt_render.delay(receipt_id)
    return len(pending)


@shared_task(bind=True, max_retries=SCAN_MAX_RETRIES)
def document_scan(self, document_id, file_name):
    """clamd away or too slow: the file stays "analyse impossible" and is tried again, after
    30 s, 1 min, 2 min… capped at 30 minutes."""
    try:
        document = document_scan_service(document_id=document_id, file_name=file_name)
    except AntivirusUnavailable as exc:
        # Inline (no broker) a retry could only be immediate: the periodic re-scan takes over.
        if self.request.is_eager or self.request.retries >= self.max_retries:
            return ScanStatus.ERROR
        raise self.retry(exc=exc, countdown=min(1800, 30 * 2**self.request.retries)) from exc
    return document.scan_status if document else None


@shared_task
def documents_rescan():
    """Files left waiting (a lost task, clamd down for hours) are scanned again."""
    if not antivirus_enabled():
        return 0
    waiting = documents_waiting_too_long()
    for document_id, file_name in waiting:
        document_scan.delay(document_id, file_name)
    return len(waiting)
