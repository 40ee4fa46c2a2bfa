"""Which tables a piece of work reads, and a generation per table that every write renews.

Every SQL statement Django sends goes through `watch` (installed on each new connection): a
write (ORM save, `update()`, bulk writes, a raw cursor alike) renews the generation of the
tables it names, at once and again once its transaction commits; a read, while `reading()` is
active, adds the tables it names to the set being gathered. A page cached with the
generations of the tables it read is then valid exactly as long as they are all unchanged,
with no list of dependencies to keep up to date by hand.

Renewed at once, so that no page made during the transaction is kept with its old data under
the old generation; renewed again after the commit, so that a page made from the uncommitted
state in between (under the first renewal) is not used either. Writes made outside Django
(psql, a restore) renew nothing: empty the cache after them (README).
"""

import contextvars
import logging
import re
import uuid
from contextlib import contextmanager
from functools import lru_cache, partial

from django.apps import apps
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

KEY_PREFIX = "table-generation:"
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")
# Django quotes every table name it writes into SQL, on PostgreSQL and SQLite alike.
QUOTED = re.compile(r'"([^"]+)"')

_reading = contextvars.ContextVar("tables_read", default=None)


@lru_cache(maxsize=1)
def portal_tables():
    """Every table of every installed model, many-to-many tables included, sorted."""
    models = apps.get_models(include_auto_created=True)
    return tuple(sorted({model._meta.db_table for model in models}))


@lru_cache(maxsize=8192)
def tables_in(sql):
    # Django's SQL keeps its parameters apart, so the same text comes back for every request.
    return frozenset(QUOTED.findall(sql)).intersection(portal_tables())


def key(table):
    return KEY_PREFIX + table


def _renew(tables):
    token = uuid.uuid4().hex
    try:
        cache.set_many({key(table): token for table in tables}, None)
    except Exception:
        # The write itself succeeded: it must not fail for the cache. Pages still expire.
        logger.exception("Could not renew the generations of %s", sorted(tables))


def _written(connection, tables):
    _renew(tables)
    if connection.in_atomic_block:
        transaction.on_commit(partial(_renew, tables), using=connection.alias, robust=True)


def watch(execute, sql, params, many, context):
    """Django execute wrapper: notes the tables a statement writes or, while gathering, reads."""
    result = execute(sql, params, many, context)
    if sql.lstrip()[:8].upper().startswith(WRITE_VERBS):
        tables = tables_in(sql)
        if tables:
            _written(context["connection"], tables)
    else:
        gathering = _reading.get()
        if gathering is not None:
            gathering.update(tables_in(sql))
    return result


def install(connection, **_signal):
    """`connection_created` receiver."""
    if watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch)


@contextmanager
def reading():
    """Yields the set of tables the statements run inside the block read."""
    gathered = set()
    token = _reading.set(gathered)
    try:
        yield gathered
    finally:
        _reading.reset(token)


def generations(found):
    """{table: generation} for every table, from `found` (a `get_many` answer that asked for
    every table's key); a table without one gets a new one, never a former one."""
    current = {table: found.get(key(table)) for table in portal_tables()}
    missing = [table for table, generation in current.items() if generation is None]
    if missing:
        for table in missing:
            cache.add(key(table), uuid.uuid4().hex, None)
        again = cache.get_many([key(table) for table in missing])
        current.update({table: again.get(key(table)) for table in missing})
    return current


def all_keys():
    return [key(table) for table in portal_tables()]
