"""Tasks of the results' publication: one decision letter per dossier, rendered then mailed."""

from celery import shared_task

from .services.selection import decision_letter_pdf_render, decision_mail_queue


# Storage away for a moment (disk, S3): try again later; any other failure is a bug to see.
@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=1800, max_retries=6)
def decision_letter_render(decision_id):
    decision = decision_letter_pdf_render(decision_id=decision_id)
    decision_mail_queue(decision=decision)
