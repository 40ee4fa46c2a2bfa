"""The journal is append-only: neither the portal's code nor raw SQL can change or delete an
entry; deleting an account keeps the entries it wrote."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.tests.factories import DirectorFactory
from core.journal import journal_dated, journal_record
from core.models import AppendOnlyError, JournalEntry

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


@pytest.fixture
def entry(administrator):
    return journal_record(target=administrator, actor=administrator, action="test.event")


def test_an_entry_cannot_be_saved_again(entry):
    entry.message = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert JournalEntry.objects.get(pk=entry.pk).message == ""


def test_an_entry_cannot_be_deleted_one_by_one_or_in_bulk(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.filter(pk=entry.pk).update(action="other")
    assert JournalEntry.objects.filter(pk=entry.pk, action="test.event").exists()


@on_postgresql
def test_the_database_refuses_an_update_in_raw_sql(entry):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_journalentry SET action = 'forged' WHERE id = %s", [entry.pk])
    assert JournalEntry.objects.get(pk=entry.pk).action == "test.event"


@on_postgresql
def test_the_database_refuses_a_delete_in_raw_sql(entry):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_journalentry WHERE id = %s", [entry.pk])
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


@on_postgresql
def test_the_database_refuses_to_null_the_author_together_with_another_change(entry):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE core_journalentry SET actor_id = NULL, message = 'x' WHERE id = %s",
            [entry.pk],
        )


def test_deleting_an_account_keeps_its_entries_without_an_author(administrator):
    director = DirectorFactory()
    entry = journal_record(target=administrator, actor=director, action="test.event")

    director.delete()

    kept = JournalEntry.objects.get(pk=entry.pk)
    assert kept.actor is None
    assert kept.action == "test.event"


def test_past_events_are_dated_at_insert_time(administrator):
    when = datetime(2011, 9, 6, 10, tzinfo=ZoneInfo("Africa/Casablanca"))
    with journal_dated(when):
        replayed = journal_record(target=administrator, actor=None, action="test.event")
    explicit = journal_record(target=administrator, actor=None, action="test.event", at=when)
    now = journal_record(target=administrator, actor=None, action="test.event")

    assert JournalEntry.objects.get(pk=replayed.pk).created_at == when
    assert JournalEntry.objects.get(pk=explicit.pk).created_at == when
    assert JournalEntry.objects.get(pk=now.pk).created_at.year > 2011
