"""A GET never writes: every page of the access table, opened by each person allowed to open
it, sends no INSERT, UPDATE or DELETE to the database. The session's own row is left out: it
is the framework's memory of the visit (language, sign-in), not the portal's data."""

import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.tests.client import CommittingClient

from .access_matrix import ALLOWED, ROLES, url_for
from .test_access_matrix import GROUPS, TABLE, _group, world  # noqa: F401 -- the fixture

pytestmark = pytest.mark.django_db

WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)


def writes_of(user, url):
    cache.clear()
    with transaction.atomic():
        client = CommittingClient(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        transaction.set_rollback(True)
    tables = [WRITE.match(query["sql"]) for query in queries.captured_queries]
    return sorted({match.group(2) for match in tables if match} - {"django_session"})


@pytest.mark.parametrize("group", GROUPS, ids=lambda group: group or "project")
def test_no_page_writes_when_it_is_opened(world, group):  # noqa: F811 -- the fixture
    writing = []
    for name in sorted(n for n in TABLE if _group(n) == group):
        url = url_for(name, world)
        get_row = TABLE[name][0].split()
        for role, expected in zip(ROLES, get_row, strict=True):
            if expected != ALLOWED:
                continue
            tables = writes_of(world.people[role], url)
            if tables:
                writing.append(f"{name} as {role}: {', '.join(tables)}")
    assert not writing, "\n".join(writing)


def test_the_check_sees_a_write():
    assert WRITE.match('UPDATE "applications_dossier" SET "status" = 1').group(2) == (
        "applications_dossier"
    )
    assert WRITE.match('INSERT INTO "core_journalentry" ("a") VALUES (1)')
    assert not WRITE.match('SELECT "x" FROM "applications_dossier"')
