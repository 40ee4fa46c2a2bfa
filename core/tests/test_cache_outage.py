"""A cache outage never fails a request: a real Redis, stopped in the middle of the test."""

import shutil
import socket
import subprocess  # nosec B404
import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from applications.tests.factories import RequiredDocumentFactory
from core import cache as backend
from core.tests.client import page_text

pytestmark = pytest.mark.django_db


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A Redis of the test's own, so that stopping it disturbs nothing else."""

    def __init__(self, binary):
        self.binary, self.port, self.process = binary, _free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # nosec B603
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)

    def stop(self):
        self.process.kill()
        self.process.wait()


@pytest.fixture
def redis_server():
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (CI installs it)")
    server = RedisServer(binary)
    server.start()
    yield server
    server.stop()


def _settings(url):
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "core.cache.RedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        },
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
    )


def test_pages_and_logins_work_while_the_cache_is_down(redis_server, director):
    call = RequiredDocumentFactory().call
    page = reverse("applications:call_detail", args=[call.reference])
    with _settings(redis_server.url):
        visitor, person = Client(), Client()
        assert visitor.get(page).status_code == 200  # kept in Redis
        signed_in = person.post(
            reverse("accounts:login"), {"username": director.email, "password": PASSWORD}
        )
        assert signed_in.status_code == 302

        redis_server.stop()
        started = time.monotonic()

        assert call.title in page_text(visitor.get(page))
        assert person.get(reverse("core:dashboard")).status_code == 200
        again = Client().post(
            reverse("accounts:login"), {"username": director.email, "password": PASSWORD}
        )
        assert again.status_code == 302 and again.url == reverse("core:dashboard")
        assert person.post(reverse("accounts:logout")).status_code == 302
        # Each cache call fails at once, or is not even tried: no request waits on the cache.
        assert time.monotonic() - started < 3


def test_the_cache_is_used_again_once_it_is_back(redis_server, monkeypatch):
    monkeypatch.setattr(backend, "RESTING_SECONDS", 0.2)
    with _settings(redis_server.url):
        cache.set("kept", 1, 30)
        redis_server.stop()
        assert cache.get("kept") is None
        assert cache.set("other", 2, 30) is None

        redis_server.start()
        time.sleep(0.3)
        cache.set("other", 2, 30)
        assert cache.get("other") == 2
