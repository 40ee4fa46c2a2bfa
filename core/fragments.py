"""Versions of data for cached fragments: a fragment is cached under the version of the rows
it shows, so any write to them gives a new key and the stale fragment is never read again."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.middleware.csrf import get_token
from django.utils import timezone

# A ceiling on how long a fragment lives; correctness comes from the version, not from this.
FRAGMENT_SECONDS = 10 * 60


# What a queryset that can match no row (`pk__in=[]`) contributes to a digest: no row, no sum
# (typed: PostgreSQL cannot match an untyped NULL with the other branches' sums).
NO_ROWS = "SELECT 0, CAST(NULL AS numeric)"


def _compiled(queryset):
    """The queryset's SQL and parameters, or None when Django knows it matches no row (it
    then refuses to write SQL for it)."""
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:
        return None


@dataclass(frozen=True)
class DataVersion:
    key: str
    rows: tuple  # each queryset's row count, in the order given


def _figures_per_queryset(querysets, select, empty):
    """One query for all the querysets: `select` (two figures over the queryset's rows as
    `v`) for each, `empty` for one that can match no row; the rows of figures, in order."""
    parts, params = [], []
    for queryset in querysets:
        compiled = _compiled(queryset)
        if compiled is None:
            parts.append(empty(queryset))
            continue
        sql, own = compiled
        # Only the querysets' own compiled SQL; their parameters are passed apart.
        parts.append(f"SELECT {select} FROM ({sql}) AS v")  # noqa: S608  # nosec B608
        params.extend(own)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return cursor.fetchall()


def _no_time(queryset):
    # No row, and no latest time, of the type the other branches' times have.
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    return f"SELECT 0, MAX(updated_at) FROM {table} WHERE 1 = 0"  # noqa: S608  # nosec B608


def data_version(*querysets):
    """What changes whenever one of the querysets' rows is added, deleted or saved: each one's
    row count and latest `updated_at` (every service saves `updated_at` with its change), read
    in a single query."""
    stamped = [queryset.order_by().values("pk", "updated_at") for queryset in querysets]
    figures = _figures_per_queryset(stamped, "COUNT(*), MAX(v.updated_at)", _no_time)
    digest = hashlib.sha256()
    for queryset, (rows, last) in zip(querysets, figures, strict=True):
        digest.update(f"{queryset.model._meta.label}:{rows}:{last}|".encode())
    return DataVersion(digest.hexdigest()[:24], tuple(rows for rows, _last in figures))


def content_version(*querysets):
    """A digest of every row of the querysets (`values()` querysets: the columns a page
    shows, or `pk` and `updated_at` where the rows carry it): for tables without `updated_at`
    (tranches, targets), any change to what is shown changes it. On PostgreSQL the rows are
    hashed where they lie, in one query (a sum of 64-bit row hashes: independent of the
    order, no sort, no transfer); elsewhere (tests on SQLite) they are read."""
    if connection.vendor == "postgresql":
        figures = _figures_per_queryset(
            [queryset.order_by() for queryset in querysets],
            "COUNT(*), SUM(hashtextextended(v::text, 0))",
            lambda _queryset: NO_ROWS,
        )
    else:
        figures = [sorted(map(repr, queryset)) for queryset in querysets]
    digest = hashlib.sha256()
    for queryset, figure in zip(querysets, figures, strict=True):
        digest.update(f"{queryset.model._meta.label}:{figure}|".encode())
    return digest.hexdigest()[:24]


def content_version_reads(querysets):
    """The queries `content_version` makes for so many querysets (query budgets in tests)."""
    return 1 if connection.vendor == "postgresql" else querysets


def csrf_key(request):
    """A digest of the person's CSRF secret: a cached form stays valid exactly as long as the
    secret it was rendered with, and a fragment is never served to another browser."""
    get_token(request)  # a first visit gets its secret (and cookie) now, before the key
    secret = request.META["CSRF_COOKIE"]
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def seconds_until_text_changes(*, passing=(), counting=(), now=None, ceiling=FRAGMENT_SECONDS):
    """How long a fragment showing these moments stays true: until the first of them passes
    (a call opens, a deadline closes), or the countdown to one of `counting` ticks (it shows
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
