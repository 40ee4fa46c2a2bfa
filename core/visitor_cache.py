"""Whole public pages cached for visitors who are not signed in.

A page is stored once per address and language, with the generation it was made in: every
write to what public pages show replaces the generation once it commits, and the stored page
is no longer used. It is kept no longer than until its text changes by itself (a call opening
or closing, its countdown's next hour).
Signed-in people, visitors with a session or a pending message, and htmx requests always get
a freshly made page. The CSRF token, the one per-visitor part, is put in at each request.
"""

import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from . import fragments

GENERATION_KEY = "visitor-pages:generation"
# The longest a visitor page is kept, whatever its dates say.
MAX_SECONDS = 5 * 60
# Stands for the CSRF token in a stored page: a random-looking value no template writes.
TOKEN_PLACEHOLDER = "visitor-page-csrf-token-3f9c2e71"  # noqa: S105  # nosec B105


def generation(current=None):
    """The visitors' generation: the one read with the page, or else from the cache."""
    current = current or cache.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        current = cache.get(GENERATION_KEY)
    return current


def generation_renew():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def visitor_pages_changed(using=None, **_signal):
    """A write to something public pages show: once it is committed, no stored page is used."""
    transaction.on_commit(generation_renew, using=using)


def _cacheable(request):
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not getattr(request, "htmx", False)
    )


def _key(request):
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"visitor-page:{translation.get_language()}:{address}"


def _stored(key):
    """The page kept under `key` if it belongs to the current generation (one round trip to
    the cache for both), and the current generation."""
    found = cache.get_many([GENERATION_KEY, key])
    current = generation(found.get(GENERATION_KEY))
    kept = found.get(key)
    if kept is not None and kept[0] == current:
        return kept[1], current
    return None, current


def seconds_until_text_changes(calls, now=None):
    """Until the first of these calls opens or closes, or its countdown (days and hours
    left) ticks; at most MAX_SECONDS."""
    return fragments.seconds_until_text_changes(
        passing=[call.opens_at for call in calls],
        counting=[call.closes_at for call in calls],
        now=now,
        ceiling=MAX_SECONDS,
    )


def token_placeholder(request):
    """Context processor: a page being made for the visitor cache holds the placeholder."""
    return {"csrf_token": TOKEN_PLACEHOLDER} if getattr(request, "visitor_page", False) else {}


def _with_token(request, response, html):
    response.content = html.replace(TOKEN_PLACEHOLDER, get_token(request))
    return response


def register(*models):
    """Saving or deleting one of these models changes what visitors' pages show."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        post_save.connect(visitor_pages_changed, sender=model, weak=False)
        post_delete.connect(visitor_pages_changed, sender=model, weak=False)


def cached_for_visitors(view):
    """The view sets `response.visitor_seconds` (from `seconds_until_text_changes`) on a page
    that may be kept; without it, or on anything but a 200, nothing is stored."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        html, current = _stored(key)
        if html is not None:
            return _with_token(request, HttpResponse(), html)
        request.visitor_page = True
        try:
            response = view(request, *args, **kwargs)
        finally:
            request.visitor_page = False
        if response.streaming:
            return response
        html = response.content.decode()
        seconds = getattr(response, "visitor_seconds", 0)
        if response.status_code == 200 and seconds > 0:
            # Under the generation read before the page was made: a write committed since
            # then renewed it, and this page will not be used.
            cache.set(key, (current, html), seconds)
        return _with_token(request, response, html)

    return wrapped
