from celery import shared_task

from .retention import retention_apply


@shared_task
def retention_apply_task():
    """The daily beat entry: applies the policy (the command alone only shows it)."""
    return retention_apply().counts
