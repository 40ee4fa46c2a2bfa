"""Versions of data for cached fragments: a fragment is cached under the version of the rows
it shows, so any write to them gives a new key and the stale fragment is never read again."""

import hashlib
from dataclasses import dataclass

from django.db import connection
from django.middleware.csrf import get_token

# A ceiling on how long a fragment lives; correctness comes from the version, not from this.
FRAGMENT_SECONDS = 10 * 60


@dataclass(frozen=True)
class DataVersion:
    key: str
    rows: tuple  # each queryset's row count, in the order given


def data_version(*querysets):
    """What changes whenever one of the querysets' rows is added, deleted or saved: each one's
    row count and latest `updated_at` (every service saves `updated_at` with its change), read
    in a single query."""
    parts, params = [], []
    for queryset in querysets:
        sql, own = queryset.order_by().values("pk", "updated_at").query.sql_with_params()
        # Only the querysets' own compiled SQL; their parameters are passed apart.
        parts.append(f"SELECT COUNT(*), MAX(v.updated_at) FROM ({sql}) AS v")  # noqa: S608  # nosec B608
        params.extend(own)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        figures = cursor.fetchall()
    digest = hashlib.sha256()
    for queryset, (rows, last) in zip(querysets, figures, strict=True):
        digest.update(f"{queryset.model._meta.label}:{rows}:{last}|".encode())
    return DataVersion(digest.hexdigest()[:24], tuple(rows for rows, _last in figures))


def csrf_key(request):
    """A digest of the person's CSRF secret: a cached form stays valid exactly as long as the
    secret it was rendered with, and a fragment is never served to another browser."""
    get_token(request)  # a first visit gets its secret (and cookie) now, before the key
    secret = request.META["CSRF_COOKIE"]
    return hashlib.sha256(secret.encode()).hexdigest()[:16]
