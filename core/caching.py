"""The portal's one cache: public pages for visitors who are not signed in.

Pages are fast because they do little; the cache keeps only what a measured load showed to
pay (bench/README.md): the pages a visitor reads (`cached_for_visitors`), kept under the
version of the scope `PUBLIC`, and never longer than until their text changes by itself (a
call opening or closing, its countdown's next hour) nor than `VISITOR_SECONDS`. Signed-in
pages are not kept: under a realistic load with writes, whole pages kept per person were
read again too rarely to pay (issue 14), and the aggregates many people read are kept in a
table the services update (the ranking's `ReviewSummary`) or computed in a few queries.

A service that changes what visitors see calls `renew(PUBLIC)` inside its transaction; once
the transaction commits, the scope has a new version and the pages kept under the old one
are no longer read. The version is read before the page is made, so a page made from data
older than a renewal is stored under the version that renewal replaced, and never served.

The cache may fail: the backend (core.cache) then answers as if nothing were kept, and every
page is made. `PORTAL_CACHE=off` bypasses the cache the same way (the benchmark's cold
figures).
"""

import hashlib
import uuid
from collections.abc import Iterable
from datetime import timedelta
from functools import partial, wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from core import flash

PUBLIC = "public"
# Also bounds what changes public pages without a service renewing PUBLIC (a contract's
# figures in the public summary).
VISITOR_SECONDS = 60
# Stands for the CSRF token in a stored visitor page: a random-looking value no template writes.
TOKEN_PLACEHOLDER = "visitor-page-csrf-token-3f9c2e71"  # noqa: S105  # nosec B105


def enabled() -> bool:
    return settings.PORTAL_CACHE


def _version_key(scope: str) -> str:
    return f"version:{scope}"


def _new_versions(scopes: Iterable[str]) -> None:
    cache.set_many({_version_key(scope): uuid.uuid4().hex for scope in scopes}, None)


def renew(*scopes: str) -> None:
    """What these scopes show changes in the current transaction: new versions once it
    commits (at once outside a transaction)."""
    transaction.on_commit(partial(_new_versions, scopes), robust=True)


def _versions(scopes: list[str], found: dict | None = None) -> str | None:
    """The scopes' versions as one string (from `found`, a `get_many` answer that asked for
    them, when given), or None when the cache cannot give them."""
    keys = [_version_key(scope) for scope in scopes]
    found = dict(cache.get_many(keys) if found is None else found)
    for missing in (key for key in keys if found.get(key) is None):
        # A new version, never a former one: `add` keeps whichever process wrote first.
        cache.add(missing, uuid.uuid4().hex, None)
        found[missing] = cache.get(missing)
    if any(found.get(key) is None for key in keys):
        return None
    return ".".join(found[key] for key in keys)


def seconds_until_text_changes(*, passing=(), counting=(), now=None, ceiling=VISITOR_SECONDS):
    """How long a text showing these moments stays true: until the first of them passes (a
    call opens, a deadline closes) or the countdown to one of `counting` ticks (it shows
    whole days and hours left); at most `ceiling` seconds."""
    now = now or timezone.now()
    seconds = ceiling
    for moment in (*passing, *counting):
        if moment and moment > now:
            seconds = min(seconds, (moment - now).total_seconds())
    for moment in counting:
        if moment and moment > now:
            tick = (moment - now) % timedelta(hours=1) or timedelta(hours=1)
            seconds = min(seconds, tick.total_seconds())
    return max(int(seconds), 0)


def seconds_for_calls(calls, now=None) -> int:
    """How long a page showing these calls' dates and countdowns stays true."""
    return seconds_until_text_changes(
        passing=[call.opens_at for call in calls],
        counting=[call.closes_at for call in calls],
        now=now,
    )


def _visitor(request) -> bool:
    return (
        enabled()
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not flash.carried(request)
        and not getattr(request, "htmx", False)
    )


def _visitor_key(request) -> str:
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"visitor-page:{translation.get_language()}:{address}"


def token_placeholder(request):
    """Context processor: a page being made for visitors holds the placeholder, replaced by
    each visitor's own CSRF token when it is served."""
    return {"csrf_token": TOKEN_PLACEHOLDER} if getattr(request, "visitor_page", False) else {}


def _with_token(request, response, html: str):
    response.content = html.replace(TOKEN_PLACEHOLDER, get_token(request))
    return response


def cached_for_visitors(view):
    """The view sets `response.visitor_seconds` (`seconds_for_calls`) on a page that may be
    kept; without it, or on anything but a 200, nothing is stored."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _visitor(request):
            return view(request, *args, **kwargs)
        key = _visitor_key(request)
        # The page and the public version in one round trip; the page keeps its version.
        found = cache.get_many([_version_key(PUBLIC), key])
        versions = _versions([PUBLIC], found)
        kept = found.get(key)
        if versions and kept is not None and kept[0] == versions:
            return _with_token(request, HttpResponse(), kept[1])
        request.visitor_page = True
        try:
            response = view(request, *args, **kwargs)
        finally:
            request.visitor_page = False
        if response.streaming:
            return response
        html = response.content.decode()
        seconds = getattr(response, "visitor_seconds", 0)
        if versions and response.status_code == 200 and seconds > 0:
            cache.set(key, (versions, html), seconds)
        return _with_token(request, response, html)

    return wrapped
