"""Whole signed-in pages cached for the person they were made for.

A page is stored per person, browser (their CSRF secret), language and address, with the
tables its making read (`core.tables`) and their generations then. It is served again only
while every one of those tables is unchanged: whoever writes to one (another director, an
administrator, a task), the page is made anew. It is kept no longer than until its text can
change by itself: the next call opening or closing, the next tick of a countdown, the next
midnight (dates turn overdue), as the apps' registered moments say.

Each view still checks the person's rights on every request it makes; a stored page answers
only the person it was made for, and their rights come from tables that are among its own.
Pages with a message to show, htmx requests and anything but a plain 200 are never stored.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone, translation

from . import tables
from .fragments import FRAGMENT_SECONDS, csrf_key, seconds_until_text_changes

KEY_PREFIX = "person-page:"
_MOMENTS = []
# Headers the view itself sets; the middleware add theirs to a stored page as to a new one.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Cache-Control")


@dataclass(frozen=True)
class StoredPage:
    generations: tuple  # ((table, generation), ...) of the tables the page was made from
    html: bytes
    headers: tuple


def register_moments(provider):
    """`provider(now)` -> (passing, counting): the moments after `now` at which signed-in
    pages may change by themselves, as for `fragments.seconds_until_text_changes`."""
    _MOMENTS.append(provider)


def _always_read():
    # The person was loaded by the middleware, before the page's own reads were gathered.
    user = get_user_model()
    through = [field.remote_field.through for field in user._meta.many_to_many]
    return {user._meta.db_table, *(model._meta.db_table for model in through)}


def _pending_messages(request):
    return len(messages.get_messages(request)) > 0


def _cacheable(request):
    return (
        request.method == "GET"
        and request.user.is_authenticated
        and not getattr(request, "htmx", False)
        and not _pending_messages(request)
    )


def _key(request):
    parts = [
        request.user.pk,
        translation.get_language(),
        csrf_key(request),
        request.get_full_path(),
    ]
    return KEY_PREFIX + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:40]


def _still_valid(stored, current):
    return stored is not None and all(
        generation is not None and current.get(table) == generation
        for table, generation in stored.generations
    )


def seconds_to_keep(now=None):
    """Until the next registered moment, countdown tick or local midnight; at most
    FRAGMENT_SECONDS."""
    now = now or timezone.now()
    passing, counting = [], []
    for provider in _MOMENTS:
        more_passing, more_counting = provider(now)
        passing.extend(more_passing)
        counting.extend(more_counting)
    local = timezone.localtime(now)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=local.tzinfo)
    return seconds_until_text_changes(
        passing=[*passing, midnight], counting=counting, now=now, ceiling=FRAGMENT_SECONDS
    )


def _storable(request, response):
    queued = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.has_header("Content-Disposition")
        and not (queued is not None and queued.added_new)
    )


def _store(key, response, read, snapshot):
    seconds = seconds_to_keep()
    if seconds <= 0:
        return
    made_from = sorted(read | _always_read())
    stored = StoredPage(
        generations=tuple((table, snapshot.get(table)) for table in made_from),
        html=response.content,
        headers=tuple((name, response[name]) for name in KEPT_HEADERS if response.has_header(name)),
    )
    cache.set(key, stored, seconds)


def _served(stored):
    response = HttpResponse(stored.html)
    for name, value in stored.headers:
        response[name] = value
    return response


def cached_per_person(view):
    """Serves the page from the cache while the tables it was made from are unchanged."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        # The page and every table's generation in one round trip to the cache.
        found = cache.get_many([key, *tables.all_keys()])
        current = tables.generations(found)
        stored = found.get(key)
        if _still_valid(stored, current):
            return _served(stored)
        # Generations read before the page is made: a write committed meanwhile renewed
        # them, and the page stored below will not be used.
        with tables.reading() as read:
            response = view(request, *args, **kwargs)
            # A TemplateResponse renders after the view: its reads must be gathered too.
            if not getattr(response, "is_rendered", True):
                response.render()
        if _storable(request, response):
            _store(key, response, read, current)
        return response

    return wrapped
