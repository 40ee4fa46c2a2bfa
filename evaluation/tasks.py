from celery import shared_task

from .services.reviews import reviews_remind


@shared_task
def evaluation_reminders():
    """Periodic: remind evaluators of their pending reviews before the evaluation deadline."""
    return len(reviews_remind())
