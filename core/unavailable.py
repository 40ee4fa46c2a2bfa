"""The database or the broker away for a moment: the person is told to try again, not shown
a 500, and what they had saved stays as it was (every write runs in one transaction)."""

import logging

from django import db
from django.db import transaction
from django.shortcuts import render

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (db.OperationalError, db.InterfaceError)
RETRY_AFTER_SECONDS = 30


def is_database_unavailable(error):
    return isinstance(error, DATABASE_ERRORS)


def service_unavailable(request):
    # Rendered from the request alone: no user, session or message lookup, no query.
    response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.error(
            "Database unavailable during %s %s: %s", request.method, request.path, exception
        )
        return service_unavailable(request)


def enqueue_on_commit(task, *args):
    """Send a task once the transaction commits. A broker that is away does not undo or fail
    the person's action: the work stays recorded as pending (a receipt without its PDF, an
    e-mail not sent) and the periodic sweep sends the task again."""

    def send():
        from kombu.exceptions import OperationalError

        try:
            task.delay(*args)
        except OperationalError as error:
            logger.error("Broker unavailable, %s%r left for the sweep: %s", task.name, args, error)

    transaction.on_commit(send)
