"""Error reports to Sentry (or a self-hosted GlitchTip), with the personal data taken out.

Loaded from the settings when SENTRY_DSN is set: it imports nothing of Django at module level.
What leaves the portal: the exception and its stack (without local variables), the request's
method and address (link secrets redacted), the request id as a tag, the person's id. Never
the request body, cookies, authorisation headers, e-mail addresses, nor the person's name.
"""

import re
from typing import Any

from . import logging as portal_logging

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
EMAIL_MASK = "[email]"
SECRET_HEADERS = {"cookie", "authorization", "x-csrftoken", "proxy-authorization"}
# Handled already: a wrong Host is refused with a 400, an unavailable database or broker is
# a 503 page and a pending task, seen by /readyz and the metrics. Reports are for bugs.
IGNORED_LOGGERS = ("django.security.DisallowedHost", "core.unavailable")


def sentry_init(
    *, dsn: str, environment: str, release: str | None, traces_sample_rate: float
) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import ignore_logger

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        # Local variables hold whatever the code was handling (names, dossiers, passwords
        # typed): no scrubbing could be sure of them.
        include_local_variables=False,
        max_request_body_size="never",
        before_send=before_send,
        # With tracing on, a transaction carries the request's address and tags as well.
        before_send_transaction=before_send,
    )
    for name in IGNORED_LOGGERS:
        ignore_logger(name)


def _is_handled(hint: dict[str, Any]) -> bool:
    from core.unavailable import is_database_unavailable

    exc_info = hint.get("exc_info") or (None, None, None)
    return is_database_unavailable(exc_info[1])


def scrub(value: Any) -> Any:
    """`value` with e-mail addresses masked and link secrets redacted, at any depth."""
    if isinstance(value, str):
        return EMAIL.sub(EMAIL_MASK, portal_logging.redact(value))
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


def _scrub_request(request: dict[str, Any]) -> dict[str, Any]:
    request.pop("data", None)
    request.pop("cookies", None)
    headers = request.get("headers") or {}
    request["headers"] = {
        name: value for name, value in headers.items() if name.lower() not in SECRET_HEADERS
    }
    return request


def before_send(event: Any, hint: dict[str, Any]) -> Any:
    if _is_handled(hint) or event.get("logger") in IGNORED_LOGGERS:
        return None
    if "request" in event:
        event["request"] = _scrub_request(event["request"])
    user_id = portal_logging.current_user_id()
    event["user"] = {"id": user_id} if user_id else {}
    request_id = portal_logging.current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return scrub(event)
