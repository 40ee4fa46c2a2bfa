"""What the session remembers about its owner's activity, and where to send them back to."""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

LAST_ACTIVITY = "last_activity"
PASSWORD_GIVEN_AT = "password_given_at"  # noqa: S105 -- a session key  # nosec B105


def now():
    return int(time.time())


def login_remember(request):
    """At login the password has just been given, and the person is active."""
    request.session[PASSWORD_GIVEN_AT] = request.session[LAST_ACTIVITY] = now()


def password_given_remember(request):
    request.session[PASSWORD_GIVEN_AT] = now()


def password_given_recently(request):
    session = getattr(request, "session", None)
    given = session.get(PASSWORD_GIVEN_AT) if session is not None else None
    max_age = settings.REAUTHENTICATION_MAX_AGE.total_seconds()
    return given is not None and now() - given <= max_age


def safe_next(request, url):
    """`url` when it stays on this site, else None."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def return_path(request):
    """The page to come back to: this one for a GET, the page the form was on for a POST.

    A POST is never replayed: the person comes back to the form and sends it again.
    """
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = safe_next(request, request.META.get("HTTP_REFERER"))
    if referer is None:
        return None
    parts = urlsplit(referer)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def with_next(url, next_url):
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
