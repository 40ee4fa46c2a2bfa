"""Production: the same code, hardened; everything site-specific comes from the environment."""

from django.core.exceptions import ImproperlyConfigured

from clusters_portal.redis_urls import shares_a_database

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, DATABASES, SECRET_KEY, STORAGES, env

if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment (at least 50 random characters)."
    )
# Without a broker, e-mails and PDFs would be made inside web requests, retries included.
if not CELERY_BROKER_URL:
    raise ImproperlyConfigured("CELERY_BROKER_URL must be set in production (Redis).")
# Links in e-mails must point at the real site, never at a developer's machine.
SITE_URL = env("SITE_URL")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
# Rate limits and visitors' pages are shared by every gunicorn worker of every node: Redis, in a
# database of its own. Never the broker's: emptying the cache after an upgrade (FLUSHDB) would
# drop the queued e-mails and PDFs with it; a Redis of its own is better still (see
# docs/operations/scaling.md), so that evicting cached values never touches the queue.
CACHE_URL = env("CACHE_URL", default="")
if not CACHE_URL:
    raise ImproperlyConfigured(
        "CACHE_URL must be set in production: a Redis database for the cache, apart from "
        "the broker's (CELERY_BROKER_URL)."
    )
if shares_a_database(CACHE_URL, CELERY_BROKER_URL):
    raise ImproperlyConfigured(
        "CACHE_URL names the broker's Redis database (CELERY_BROKER_URL): emptying the cache "
        "would delete the queued tasks. Give the cache a Redis of its own, or at least "
        "another database number (redis://host:6379/1)."
    )
CACHES = {
    "default": {
        "BACKEND": "core.cache.RedisCache",
        "LOCATION": CACHE_URL,
        # A cache that does not answer within these is treated as down (core.cache).
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}

# A new PostgreSQL connection costs a backend process and several milliseconds on every
# request; each gunicorn worker keeps its own for a minute, checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
# Sessions are read on every signed-in request: from Redis, written through to the database so
# that a restarted cache signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

DEBUG = False
STORAGES["staticfiles"] = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Cookies travel over HTTPS only. SECURE_COOKIES=false exists for a plain-HTTP test rig on the
# loopback (tests/test_two_nodes.py), never for a site people use.
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=True)
SESSION_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
X_FRAME_OPTIONS = "DENY"
