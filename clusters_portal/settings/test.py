"""Test settings: the database and broker come from the environment (CI sets both)."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key-with-enough-length-to-look-real-0123456789"  # noqa: S105 -- tests only  # nosec B105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests run tasks inline; the one test that needs a real worker switches this off itself.
CELERY_TASK_ALWAYS_EAGER = True
# A task that fails in a test fails the test.
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "quarantine": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
# Scanning is off unless a test starts its own clamd (applications/tests/clamav.py).
CLAMD_SOCKET = ""
