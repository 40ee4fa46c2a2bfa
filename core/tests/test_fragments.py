"""Versions of data for cached fragments: they change with the rows, on either database."""

import pytest

from applications.models import Call
from applications.tests.factories import CallFactory
from core.fragments import content_version, data_version

pytestmark = pytest.mark.django_db


def test_a_version_changes_when_a_row_is_saved_added_or_deleted():
    call = CallFactory()
    calls = Call.objects.all()
    first = (data_version(calls).key, content_version(calls.values("pk", "title")))

    call.title = "Appel à projets clusters — deuxième édition"
    call.save()
    renamed = (data_version(calls).key, content_version(calls.values("pk", "title")))
    CallFactory()
    added = (data_version(calls).key, content_version(calls.values("pk", "title")))
    call.delete()
    deleted = (data_version(calls).key, content_version(calls.values("pk", "title")))

    assert len({first, renamed, added, deleted}) == 4


def test_a_queryset_that_can_match_nothing_counts_as_empty():
    CallFactory()
    nothing = Call.objects.filter(pk__in=[])

    version = data_version(nothing, Call.objects.all())

    assert version.rows == (0, 1)
    # Empty first, as a director without a cluster has it: the database matches the branches.
    assert content_version(nothing.values("pk"), nothing.values("pk"), Call.objects.values("pk"))
    assert data_version(nothing, nothing, Call.objects.all()).rows == (0, 0, 1)
