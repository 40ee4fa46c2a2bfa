"""Directors of one call write at the same time: a transaction open on one dossier, or on the
call itself, never makes another dossier's save or upload wait; the deadline still holds."""

import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from applications.models import Call, DossierDocument
from applications.services.calls import call_deadline_change
from applications.services.documents import document_upload
from applications.services.dossiers import dossier_section_save
from applications.services.submission import dossier_submit
from applications.tests.builders import call_with_checklist, complete, draft_for, pdf_file
from core.errors import ApplicationError

# What a save or an upload of a small file takes here when nothing stands in its way is a few
# tens of milliseconds; waiting for another transaction's lock would take as long as it is held.
UNHINDERED_SECONDS = 1.0
# Waiting for a lock at all fails at once instead of hanging the suite.
LOCK_TIMEOUT = "2s"

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no row locks to test: PostgreSQL only"
)


@pytest.fixture
def call(db):
    return call_with_checklist()


@pytest.fixture
def first(director, call):
    """Director A's dossier, complete but not submitted."""
    return complete(draft_for(director, call), director)


@pytest.fixture
def second(outsider, call):
    """Director B's draft, of the same call."""
    return draft_for(outsider, call)


def _statutes(dossier):
    return dossier.call.required_documents.get(label="Statuts")


@contextmanager
def _held_open(action):
    """Run `action` in a thread of its own, inside a transaction kept open (its locks held)
    until the block ends."""
    held, release, failures = threading.Event(), threading.Event(), []

    def run():
        try:
            with transaction.atomic():
                action()
                held.set()
                release.wait(timeout=30)
        except BaseException as error:  # reported by the test below
            failures.append(error)
            held.set()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert held.wait(timeout=30)
        assert not failures, failures
        yield
    finally:
        release.set()
        thread.join(timeout=30)
    assert not failures, failures


@contextmanager
def _unhindered():
    """The block must not wait for any lock, and end well under a second."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    started = time.perf_counter()
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert time.perf_counter() - started < UNHINDERED_SECONDS


def _save_and_upload(director, dossier):
    dossier_section_save(
        actor=director,
        dossier=dossier,
        slug="gouvernance",
        values={"governance": "Comité de pilotage mensuel."},
    )
    return document_upload(
        actor=director, dossier=dossier, requirement=_statutes(dossier), uploaded=pdf_file()
    )


def _held_actions(director, administrator, first):
    return {
        "section save": lambda: dossier_section_save(
            actor=director, dossier=first, slug="gouvernance", values={"governance": "A."}
        ),
        "upload": lambda: document_upload(
            actor=director, dossier=first, requirement=_statutes(first), uploaded=pdf_file()
        ),
        "submission": lambda: dossier_submit(actor=director, dossier=first, declaration=True),
        "deadline change": lambda: call_deadline_change(
            actor=administrator,
            call=first.call,
            closes_at=first.call.closes_at + timedelta(days=7),
            reason="Prolongation",
        ),
    }


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("held", ["section save", "upload", "submission", "deadline change"])
def test_a_director_saves_and_uploads_while_another_dossier_of_the_call_is_being_written(
    held, director, outsider, administrator, first, second
):
    action = _held_actions(director, administrator, first)[held]
    with _held_open(action), _unhindered():
        document = _save_and_upload(outsider, second)

    second.refresh_from_db()
    assert second.governance == "Comité de pilotage mensuel."
    assert document.dossier_id == second.pk
    assert default_storage.exists(document.file.name)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_dossier_still_take_turns(director, first):
    """The dossier's own row stays locked: the second writer waits, then fails fast here."""
    with _held_open(_held_actions(director, None, first)["section save"]):
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        try:
            with pytest.raises(Exception, match="lock timeout"):
                dossier_section_save(
                    actor=director, dossier=first, slug="gouvernance", values={"governance": "B."}
                )
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")


def _stored_files(dossier):
    folder = f"dossiers/{dossier.pk}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def _close(call):
    """The deadline passes, as committed by someone else; the dossier in hand does not know."""
    Call.objects.filter(pk=call.pk).update(
        opens_at=timezone.now() - timedelta(days=60),
        closes_at=timezone.now() - timedelta(seconds=1),
    )


@pytest.mark.django_db(transaction=True)
def test_the_deadline_read_in_the_writing_transaction_refuses_saves_uploads_and_submission(
    director, outsider, first, second
):
    _close(second.call)
    assert second.call.is_open()  # the copy in hand is stale: the service reads it again

    with pytest.raises(ApplicationError) as saved:
        dossier_section_save(
            actor=outsider, dossier=second, slug="gouvernance", values={"governance": "Tard."}
        )
    with pytest.raises(ApplicationError) as uploaded:
        document_upload(
            actor=outsider, dossier=second, requirement=_statutes(second), uploaded=pdf_file()
        )
    with pytest.raises(ApplicationError) as submitted:
        dossier_submit(actor=director, dossier=first, declaration=True)

    assert saved.value.code == uploaded.value.code == submitted.value.code == "deadline"
    assert not DossierDocument.objects.filter(dossier=second).exists()
    assert _stored_files(second) == []


@pytest.mark.django_db(transaction=True)
def test_an_upload_refused_once_its_dossier_is_locked_leaves_no_file_behind(outsider, second):
    """The file is checked and written before the transaction; refused in it (the dossier
    would pass its size limit), the file written for it is removed."""
    Call.objects.filter(pk=second.call_id).update(max_dossier_size_mb=0)

    with pytest.raises(ApplicationError, match="taille maximum"):
        document_upload(
            actor=outsider, dossier=second, requirement=_statutes(second), uploaded=pdf_file()
        )

    assert not DossierDocument.objects.filter(dossier=second).exists()
    assert _stored_files(second) == []
