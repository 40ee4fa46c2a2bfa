"""The production settings, checked the way a deployment would load them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from clusters_portal.redis_urls import shares_a_database

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "clusters_portal.settings.production",
    "SECRET_KEY": "p" * 20 + "-production-like-secret-4f9c2a7e1b8d3c6e5a0f",
    "ALLOWED_HOSTS": "clusters.mcinet.gov.ma",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    # A Redis of its own for the cache (docs/operations/scaling.md).
    "CACHE_URL": "redis://127.0.0.1:6380/0",
    "SITE_URL": "https://clusters.mcinet.gov.ma",
}


def _manage(*args, env):
    # The test process itself allows async-unsafe calls (for Playwright); production does not.
    skip = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {key: value for key, value in os.environ.items() if key not in skip}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_cache_of_its_own():
    result = _manage("check", env={**PRODUCTION_ENV, "CACHE_URL": ""})

    assert result.returncode != 0
    assert "CACHE_URL must be set" in result.stderr


def test_production_refuses_a_cache_in_the_brokers_database():
    """Emptying the cache after an upgrade would delete the queued tasks with it."""
    result = _manage("check", env={**PRODUCTION_ENV, "CACHE_URL": "redis://localhost:6379"})

    assert result.returncode != 0
    assert "CACHE_URL names the broker's Redis database" in result.stderr


@pytest.mark.parametrize(
    ("cache_url", "shared"),
    [
        ("redis://127.0.0.1:6379/0", True),
        ("redis://localhost:6379", True),
        ("redis://cache.internal:6379/0,redis://127.0.0.1:6379/0", True),
        ("redis://127.0.0.1:6379/?db=0", True),
        ("redis://127.0.0.1:6379/1", False),
        ("redis://127.0.0.1:6380/0", False),
        ("redis://broker.internal:6379/0", False),
        ("unix:///run/redis/cache.sock?db=0", False),
    ],
)
def test_a_cache_shares_the_brokers_database_on_the_same_server_and_number(cache_url, shared):
    assert shares_a_database(cache_url, "redis://127.0.0.1:6379/0") is shared
