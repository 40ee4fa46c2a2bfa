from celery import shared_task

from .services.reviews import reviews_remind

# Celery discovers tasks.py only: the results' tasks are declared here too.
from .tasks_results import decision_letter_render  # noqa: F401


@shared_task
def evaluation_reminders():
    """Periodic: remind evaluators of their pending reviews before the evaluation deadline."""
    return len(reviews_remind())
