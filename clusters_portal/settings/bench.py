"""Benchmark settings (`make bench`): production's, served over plain HTTP on the loopback,
plus the bare baseline view of `clusters_portal.urls_bench`. Never deploy these."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BENCH_VAR = Path(__file__).resolve().parents[2] / "var" / "bench"

# Production refuses to start without a secret; the benchmark's data and sessions are
# throwaway, so a fixed key is acceptable here and nowhere else.
BENCH_SECRET_KEY = "bench-only-not-a-secret-7c1f0b9e4a2d8e6f3b5a9c0d1e2f3a4b5c6d7e8f"  # noqa: S105  # nosec B105
os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
# No TLS proxy in front of gunicorn during the benchmark: no redirect to https, no HSTS.
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
# The benchmark's files stay apart from those of `make run`.
os.environ.setdefault("MEDIA_ROOT", str(BENCH_VAR / "media"))
os.environ.setdefault("QUARANTINE_ROOT", str(BENCH_VAR / "quarantine"))
# A benchmark sends no real e-mail: the worker writes them to files, as `make run` does.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
os.environ.setdefault("EMAIL_FILE_PATH", str(BENCH_VAR / "mail"))

from .production import *  # noqa: E402, F403
from .production import DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("The benchmark runs on PostgreSQL: set DATABASE_URL.")

# Over plain HTTP the load generator would never send secure cookies back.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False

ROOT_URLCONF = "clusters_portal.urls_bench"
BENCH_BASELINE = True
