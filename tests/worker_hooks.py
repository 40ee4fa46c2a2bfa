"""Loaded only by the test workers (`celery worker --include tests.worker_hooks`).

WORKER_PAUSE_AT names one instant of a task; the worker writes WORKER_PAUSE_MARKER and stops
there, so a test can kill it at exactly that instant rather than at a lucky one."""

import os
import time
from pathlib import Path

from celery import shared_task
from celery.signals import task_postrun
from django.db.models.signals import post_save

PAUSE_AT = os.environ.get("WORKER_PAUSE_AT", "")
MARKER = os.environ.get("WORKER_PAUSE_MARKER", "")


def _pause(point):
    if point == PAUSE_AT:
        Path(MARKER).write_text(point)
        time.sleep(600)


def _receipt_saved(sender, instance, update_fields=None, **kwargs):
    # The PDF file is written to storage, the row updated, the transaction not yet committed.
    if update_fields and "pdf" in update_fields:
        _pause("receipt-file-written")


def _task_done(sender=None, **kwargs):
    # The task's work is committed; the broker has not been told (acks_late).
    _pause(f"done:{sender.name}")


post_save.connect(_receipt_saved, sender="applications.Receipt", weak=False)
task_postrun.connect(_task_done, weak=False)


@shared_task(name="tests.worker_hooks.fail_with_personal_data")
def fail_with_personal_data(email):
    """Fails naming a person, in its arguments and its error: for the error report test."""
    raise ValueError(f"Nothing to send to {email}")
