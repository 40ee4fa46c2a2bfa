"""`make backup` then `make restore` into an empty database: every dossier and every uploaded
file comes back, checksums matching; an unchecked or non-empty target is refused."""

import hashlib
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from applications.models import Dossier, DossierDocument
from applications.tests.builders import complete, draft_for
from tests.workers import ROOT, database_url

pytestmark = pytest.mark.django_db(transaction=True)
DOSSIERS = "select id, reference, status, perimeter, strategy, monitoring from applications_dossier order by id"


def _run(script, *args, env):
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / script), *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _connect(name):
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=name,
        autocommit=True,
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )


@pytest.fixture
def empty_database():
    """A new, empty database made with the portal's role, dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore back up PostgreSQL only")
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin = _connect("postgres")
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    yield name, database_url().rsplit("/", 1)[0] + f"/{name}"
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def files_on_disk(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path / "media"


def test_a_backup_restores_every_dossier_and_file_into_an_empty_database(
    director, outsider, files_on_disk, tmp_path, empty_database
):
    for person in (director, outsider):
        complete(draft_for(person), person)
    documents = list(DossierDocument.objects.values_list("file", "sha256"))
    assert len(documents) == 4
    with connection.cursor() as cursor:
        cursor.execute(DOSSIERS)
        dossiers = cursor.fetchall()

    backup = _run(
        "backup.sh",
        env={
            "DATABASE_URL": database_url(),
            "MEDIA_ROOT": str(files_on_disk),
            "BACKUP_DIR": str(tmp_path / "backups"),
        },
    )
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip())
    name, url = empty_database
    restored_media = tmp_path / "restored-media"
    restore_env = {"DATABASE_URL": url, "MEDIA_ROOT": str(restored_media)}

    restore = _run("restore.sh", str(folder), env=restore_env)
    assert restore.returncode == 0, restore.stderr

    with _connect(name) as restored, restored.cursor() as cursor:
        cursor.execute(DOSSIERS)
        assert cursor.fetchall() == dossiers
        cursor.execute("select file, sha256 from applications_dossierdocument")
        assert sorted(cursor.fetchall()) == sorted(documents)
    for path, sha256 in documents:
        assert hashlib.sha256((restored_media / path).read_bytes()).hexdigest() == sha256
    assert Dossier.objects.count() == 2

    # Restoring again onto the now populated database is refused without --force.
    again = _run("restore.sh", str(folder), env=restore_env)
    assert again.returncode == 1
    assert "already has" in again.stderr
    forced = _run("restore.sh", "--force", str(folder), env=restore_env)
    assert forced.returncode == 0, forced.stderr


def test_a_damaged_backup_is_refused_before_anything_is_restored(
    director, files_on_disk, tmp_path, empty_database
):
    complete(draft_for(director), director)
    env = {"MEDIA_ROOT": str(files_on_disk), "BACKUP_DIR": str(tmp_path / "backups")}
    backup = _run("backup.sh", env={**env, "DATABASE_URL": database_url()})
    folder = Path(backup.stdout.strip())
    with (folder / "media.tar").open("ab") as archive:
        archive.write(b"tampered")
    name, url = empty_database

    restore = _run(
        "restore.sh", str(folder), env={"DATABASE_URL": url, "MEDIA_ROOT": str(tmp_path / "r")}
    )

    assert restore.returncode == 1
    assert "does not match its manifest" in restore.stderr
    with _connect(name) as restored, restored.cursor() as cursor:
        cursor.execute("select count(*) from pg_tables where schemaname = 'public'")
        assert cursor.fetchone() == (0,)
