"""Fixtures shared by every test: one person per role, and an outsider director."""

import os
import shutil

import pytest

from accounts.tests.factories import (
    AdministratorFactory,
    CommitteeMemberFactory,
    DirectorFactory,
    EvaluatorFactory,
)
from core.tests.client import CommittingClient
from core.tests.redis_server import RedisServer

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# live_server tests from that thread are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def client():
    return CommittingClient()


@pytest.fixture
def director(db):
    return DirectorFactory(email="directrice@cluster-a.ma", full_name="Salma Bennani")


@pytest.fixture
def outsider(db):
    """A director of another cluster: must never see the first director's things."""
    return DirectorFactory(email="directeur@cluster-b.ma", full_name="Omar Tazi")


@pytest.fixture
def evaluator(db):
    return EvaluatorFactory(email="evaluateur@mcinet.gov.ma", full_name="Youssef El Amrani")


@pytest.fixture
def committee_member(db):
    return CommitteeMemberFactory(email="comite@mcinet.gov.ma", full_name="Nadia Chraibi")


@pytest.fixture
def administrator(db):
    return AdministratorFactory(email="admin@mcinet.gov.ma", full_name="Karim Alaoui")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: a browser downloaded by Playwright cannot be had here.
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": BROWSER_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A browser set to French, as most of the portal's users have it.
    return {**browser_context_args, "locale": "fr-FR", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(autouse=True)
def _french_by_default():
    """A request in English leaves English active in the thread: each test starts in French."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_file_storage():
    """Tests store files in memory: each test starts with none, as SQLite hands the same
    dossier ids to one test after another and their folders would mix."""
    from django.core.files.storage import InMemoryStorage, storages
    from django.core.files.storage.memory import InMemoryDirNode

    for alias in ("default", "quarantine"):
        storage = storages[alias]
        if isinstance(storage, InMemoryStorage):
            storage._root = InMemoryDirNode()
            storage._resolve(
                storage.base_location, create_if_missing=True, leaf_cls=InMemoryDirNode
            )


@pytest.fixture(autouse=True)
def _no_content_security_policy_violation(request):
    """A browser test fails if any page it visits breaks the CSP (the browser would block it)."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    violations = []

    def watch(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text} ({message.location['url']})")

    page.on("console", watch)
    yield
    assert violations == []


@pytest.fixture
def redis_server():
    """A Redis of the test's own on a free port: the test may stop and restart it."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (CI installs it)")
    server = RedisServer(binary)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()
