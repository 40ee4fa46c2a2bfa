from celery import shared_task

from .services.reviews import reviews_remind
from .services.selection import decision_letter_pdf_render, decision_mail_queue


@shared_task
def evaluation_reminders():
    """Periodic: remind evaluators of their pending reviews before the evaluation deadline."""
    return len(reviews_remind())


# The results' publication: one decision letter per dossier, rendered then mailed. Storage
# away for a moment (disk, S3): try again later; any other failure is a bug to see. The task
# keeps the name it had in evaluation/tasks_results.py: letters queued before a deployment
# still find it.
@shared_task(
    name="evaluation.tasks_results.decision_letter_render",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=6,
)
def decision_letter_render(decision_id):
    decision = decision_letter_pdf_render(decision_id=decision_id)
    decision_mail_queue(decision=decision)
