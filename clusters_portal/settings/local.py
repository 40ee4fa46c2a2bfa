"""Embedded defaults for a developer's machine: SQLite, inline tasks, e-mails as files."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-only-insecure-key-never-used-in-production")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")

# The embedded SQLite database, uploads and e-mail files live under var/.
(VAR_DIR / "mail").mkdir(parents=True, exist_ok=True)
