from celery import shared_task

from .services.lifecycle import version_pdf_render
from .services.reminders import report_reminders_send


# Storage away for a moment (disk, S3): try again later; any other failure is a bug to see.
@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=1800, max_retries=6)
def contract_version_render(version_id):
    version_pdf_render(version_id=version_id)


@shared_task
def report_reminders():
    return len(report_reminders_send())
