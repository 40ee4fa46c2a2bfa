"""Who and what a log line is about: the request id, the signed-in person, the Celery task.

One request id follows an event from nginx (`$request_id`, sent as X-Request-ID) through the
portal (the 500 page shows it) to the Celery tasks the request enqueued (a task header), so
that the id a director quotes to the help desk finds every line of the story.

This module is loaded by `logging.config` before Django's apps, and by gunicorn's master
before Django at all: it imports nothing from the apps, and Django only inside functions.
"""

import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# The Celery message header carrying the id of the request that enqueued the task.
TASK_HEADER = "portal_request_id"
# nginx's $request_id is 32 hex digits; a UUID has dashes. Anything else a client sends (a
# line break, quotes, a megabyte) is replaced rather than written to the logs.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Django's auth keeps the signed-in person's pk in the session under this key.
SESSION_USER_KEY = "_auth_user_id"

_request_id: ContextVar[str | None] = ContextVar("portal_request_id", default=None)
_request: ContextVar[Any] = ContextVar("portal_request", default=None)
_task: ContextVar[tuple[str, str] | None] = ContextVar("portal_task", default=None)

# One-time links carry their secret in the path (password reset and invitation:
# "<ts>-<32 hex>"; e-mail verification: a signed "payload:stamp:signature") or in a query.
# Whoever reads the logs must not be able to follow them.
_PATH_SECRET = re.compile(r"/(?=[\w:-]*\d)(?=[\w:-]*[A-Za-z])[\w:-]{24,}", re.ASCII)
_QUERY_SECRET = re.compile(
    r"((?:^|[?&])(?:token|key|code|password|secret|signature)=)[^&\s\"]*", re.I
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` with the secrets of one-time links replaced."""
    if "/" not in text and "=" not in text:
        return text
    return _QUERY_SECRET.sub(r"\1" + REDACTED, _PATH_SECRET.sub("/" + REDACTED, text))


def current_request_id() -> str | None:
    return _request_id.get()


def current_user_id() -> str | None:
    """The signed-in person's pk, from what the request has already loaded: never a query."""
    request = _request.get()
    if request is None:
        return None
    # request.user is lazy (AuthenticationMiddleware): use it only once something evaluated it.
    user = getattr(getattr(request, "user", None), "_wrapped", None)
    if user is not None and hasattr(user, "pk"):
        return None if user.pk is None else str(user.pk)
    # Otherwise the session, if it was read (its cache exists only once loaded).
    loaded = getattr(getattr(request, "session", None), "_session_cache", None)
    if loaded:
        return loaded.get(SESSION_USER_KEY)
    return None


def incoming_request_id(value: str | None) -> str:
    """The proxy's id when it is well formed, a new one otherwise."""
    if value and WELL_FORMED_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First of all middleware: even a response made by the security middleware carries it.

    It reads one header and sets two context variables: no database, no cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = incoming_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        _request_id.set(request_id)
        _request.set(request)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def request_finished(**kwargs: Any) -> None:
    # Not reset in the middleware: Django logs a 4xx response after the last middleware has
    # returned, and that line must carry the id too.
    _request_id.set(None)
    _request.set(None)


class ContextFilter(logging.Filter):
    """Adds request_id, user_id, task_id and task_name to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        task_id, task_name = _task.get() or (None, None)
        record.__dict__.update(
            request_id=_request_id.get(),
            user_id=current_user_id(),
            task_id=task_id,
            task_name=task_name,
        )
        return True


def _iso_time(record: logging.LogRecord) -> str:
    # UTC in every process (gunicorn's master has no Django time zone): lines of the web
    # nodes, the workers and nginx sort together; the offset is written out all the same.
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    """`time LEVEL logger request_id=… user_id=… [task=name[id]] message`, for a terminal.

    Records that did not pass ContextFilter (gunicorn's own) have no context to show.
    """

    def format(self, record: logging.LogRecord) -> str:
        parts = [_iso_time(record), record.levelname, record.name]
        context = record.__dict__
        if "request_id" in context:
            parts.append(f"request_id={context['request_id'] or '-'}")
            parts.append(f"user_id={context['user_id'] or '-'}")
            if context["task_id"]:
                parts.append(f"task={context['task_name']}[{context['task_id']}]")
        parts.append(redact(record.getMessage()))
        line = " ".join(parts)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return line


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per line: time, level, logger, message, request_id, user_id, task_id,
    task_name, and the traceback as `exc_info`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        # Django passes the whole request as `extra`: its repr shows the query string.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _iso_time(record)

    def process_log_record(self, log_data):
        if isinstance(log_data.get("message"), str):
            log_data["message"] = redact(log_data["message"])
        return log_data


class AccessJsonFormatter(JsonFormatter):
    """gunicorn's access log as JSON: the fields of the line, from gunicorn's atoms."""

    ATOMS = {
        "remote_addr": "h",
        "method": "m",
        "path": "U",
        "query": "q",
        "status": "s",
        "bytes": "B",
        "duration_ms": "M",
        "referer": "f",
        "user_agent": "a",
        "request_id": "{x-request-id}o",
    }

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        atoms = record.args
        if not isinstance(atoms, dict):  # gunicorn's error log: a plain message
            return
        for field, atom in self.ATOMS.items():
            value = dict.get(atoms, atom)
            log_data[field] = redact(value) if isinstance(value, str) else value


def task_started(task_id: str, task: Any, **kwargs: Any) -> None:
    """Celery task_prerun: the task's lines carry its id, name and the enqueuing request's id.

    A task run inline (no broker) inside a request keeps that request's id; the previous
    values come back once it ends (task_finished).
    """
    request_id = task.request.get(TASK_HEADER) or _request_id.get()
    task.request.portal_log_tokens = (
        _request_id.set(request_id),
        _task.set((task_id, task.name)),
    )


def task_finished(task: Any, **kwargs: Any) -> None:
    tokens = getattr(task.request, "portal_log_tokens", None)
    if tokens:
        request_token, task_token = tokens
        _task.reset(task_token)
        _request_id.reset(request_token)


def task_publishing(headers: dict | None = None, **kwargs: Any) -> None:
    """Celery before_task_publish: the message takes the current request's (or task's) id."""
    request_id = _request_id.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


def connect_signals() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun
    from django.core.signals import request_finished as django_request_finished

    django_request_finished.connect(request_finished, dispatch_uid="portal-log-request")
    before_task_publish.connect(task_publishing, dispatch_uid="portal-log-publish", weak=False)
    task_prerun.connect(task_started, dispatch_uid="portal-log-prerun", weak=False)
    task_postrun.connect(task_finished, dispatch_uid="portal-log-postrun", weak=False)
