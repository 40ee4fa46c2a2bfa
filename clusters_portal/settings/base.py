"""Settings shared by every environment; everything that varies is read from the environment."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute address of the portal, used in e-mails sent outside a request.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Before the admin, as it asks: typed texts get one column per language (see translation.py).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Its widget templates, found by the TemplatesSetting renderer below.
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_celery_beat",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "core",
    "accounts",
    "applications",
    "evaluation",
    "contracts",
    "audit",
    "bench",
]

MIDDLEWARE = [
    # First: every response carries its X-Request-ID, even one the security middleware makes.
    "core.logging.RequestIdMiddleware",
    # Near the top: a view's latency includes the middlewares below (core/metrics.py).
    "core.metrics.ViewLatencyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Field-level history (audit app) records the user who made each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After messages and htmx: both say why the person is sent elsewhere.
    "accounts.middleware.SessionInactivityMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "core.unavailable.DatabaseUnavailableMiddleware",
    # Last, so that it sees the outcome of authentication attempts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clusters_portal.urls"
WSGI_APPLICATION = "clusters_portal.wsgi.application"

# Form widgets render through the project's templates, so that templates/django/forms/ can give
# every text box `dir="auto"`: a French sentence typed on an Arabic page keeps its full stop.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
                # Last: it replaces the CSRF token of a page made for the visitor cache.
                "core.caching.token_placeholder",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs seconds on join-heavy list queries and buys nothing for this
    # workload (measured on a peer Django app on these machines).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Counters of the rate limits live here: in production a cache every gunicorn worker shares.
CACHE_URL = env("CACHE_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "core.cache.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# The portal's own cache (core.caching): public pages and costly aggregates. Off, every one of
# them is made on each request (the benchmark's cold figures); sessions keep the cache.
PORTAL_CACHE = env.bool("PORTAL_CACHE", default=True)
# While the cache is down, rate limits are not counted rather than refusing everyone; logins
# stay throttled by django-axes, which counts failures in the database.
RATELIMIT_FAIL_OPEN = True

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Password sign-in, and Django's model permissions for the admin site's staff only.
    "accounts.backends.AdminSiteBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.validators.PortalMinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
# Password-reset and invitation links.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 72
# E-mail verification links for self-registered directors.
EMAIL_VERIFICATION_MAX_AGE = timedelta(hours=48)

# Two-factor authentication (django-otp): a code from an authenticator app, or a recovery code.
OTP_TOTP_ISSUER = "Portail des clusters"
# The technical admin lists devices without showing their secret keys.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Each wrong code doubles the wait before the next try (1 s, 2 s, 4 s…), per device.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
RECOVERY_CODE_COUNT = 10

# Sessions end after this much inactivity (accounts.middleware.SessionInactivityMiddleware).
SESSION_INACTIVITY_TIMEOUT = timedelta(minutes=env.int("SESSION_INACTIVITY_MINUTES", default=30))
# The stored session outlives the inactivity timeout, so that an expired one can be recognised
# and explained to its owner; it is a ceiling, not the timeout.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)
# Publishing results, generating or activating a contract and recording a payment ask for the
# password again when it was last given longer ago than this.
REAUTHENTICATION_MAX_AGE = timedelta(minutes=env.int("REAUTHENTICATION_MINUTES", default=10))

# Failed logins: after 5 failures for one account from one address, 15 minutes of lockout.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.throttling.login_username"
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
# How many reverse proxies of ours stand in front of the portal (0 when it faces clients).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Security headers on every response, in every environment (production adds HSTS and secure
# cookies). No inline script nor inline style anywhere: bar widths are CSS classes, htmx's
# indicator styles are in portal.css; images may be data: URIs (Bootstrap's form icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Features the portal never uses, refused to any page (and to anything injected into one).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

LANGUAGE_CODE = "fr"
# Each language is named in itself, as a language switcher should show it.
LANGUAGES = [
    ("fr", "Français"),
    ("ar", "العربية"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Texts an administrator types exist in the three languages (one column each, registered in each
# app's translation.py); French is required and stands in for a translation not given yet.
MODELTRANSLATION_DEFAULT_LANGUAGE = "fr"
MODELTRANSLATION_LANGUAGES = ("fr", "ar", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fr",)
# Day before month in every language of the portal, as Moroccan readers expect.
FORMAT_MODULE_PATH = ["clusters_portal.formats"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Uploaded files are private: there is deliberately no MEDIA_URL route; files are served
# only by views that check permissions.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
FILE_STORAGE = env("FILE_STORAGE", default="local")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if FILE_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }

# Antivirus: with a clamd socket configured, every dossier file is scanned in a task before it
# counts; empty turns scanning off (files count at once). clamd's StreamMaxLength must be at
# least the largest upload a call allows, or such files stay "analyse impossible".
CLAMD_SOCKET = env("CLAMD_SOCKET", default="")
# Seconds to wait for clamd's verdict on one file before trying again later.
CLAMD_TIMEOUT = env.int("CLAMD_TIMEOUT", default=60)
# Infected files are moved here, out of the default storage: no view serves this storage.
QUARANTINE_ROOT = env.path("QUARANTINE_ROOT", default=VAR_DIR / "quarantine")
STORAGES["quarantine"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": QUARANTINE_ROOT},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Each message reaches the page of the request that produced it (core/flash.py).
MESSAGE_STORAGE = "core.flash.FlashStorage"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Portail des clusters <no-reply@clusters.mcinet.gov.ma>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who receives the report of an unexpected error: ADMINS="Équipe technique|tech@example.ma,…".
ADMINS = [tuple(admin.split("|", 1)) for admin in env.list("ADMINS", default=[])]

# Celery: with no broker configured, tasks run inline (eagerly) in the calling process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Inline, a task's failure is logged and retried at once rather than turned into a 500.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only once done, so a worker killed mid-task hands it to another.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With Redis, a task held by a worker that died (SIGKILL, OOM, power cut) goes back to the
# queue once it has gone unacknowledged this long; the next worker to start or poll takes it.
# It must exceed the longest a live worker may hold a task: the hard time limit (180 s) and
# the longest retry countdown (one hour for e-mails), or a task still running or waiting for
# its retry would be handed to a second worker too. Tests shorten it to watch a redelivery.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
# On a deployment's SIGTERM the worker lets the running task finish for a while, then puts
# back what it holds, so a restart never waits for the visibility timeout.
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 30.0
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The periodic schedule, declared here and nowhere else; the database scheduler copies it
# into its tables at start-up, where administrators can see and pause entries.
CELERY_BEAT_SCHEDULE = {
    "deadline-reminders": {
        "task": "applications.tasks.deadline_reminders",
        "schedule": timedelta(minutes=30),
    },
    "evaluation-reminders": {
        "task": "evaluation.tasks.evaluation_reminders",
        "schedule": timedelta(minutes=30),
    },
    "documents-rescan": {
        "task": "applications.tasks.documents_rescan",
        "schedule": timedelta(minutes=15),
    },
    "report-reminders": {
        "task": "contracts.tasks.report_reminders",
        "schedule": timedelta(hours=6),
    },
    # Work recorded while the broker was away (see core.unavailable.enqueue_on_commit).
    "pending-mails": {"task": "core.tasks.pending_mails_send", "schedule": timedelta(minutes=10)},
    "pending-receipts": {
        "task": "applications.tasks.pending_receipts_render",
        "schedule": timedelta(minutes=10),
    },
    "purge-unverified-accounts": {
        "task": "accounts.tasks.unverified_users_purge_task",
        "schedule": timedelta(hours=6),
    },
    # The retention policy (docs/operations/retention.md), applied once a day.
    "apply-retention": {"task": "audit.tasks.retention_apply_task", "schedule": timedelta(days=1)},
}

# --- Data retention (law 09-08; docs/operations/retention.md) --------------------------------
# Days each kind of personal data is kept; `manage.py apply_retention` (dry-run by default) and
# the daily beat entry above apply them. Durations run from the event named in each comment.
# An unsuccessful dossier (not selected, waiting list, inadmissible, withdrawn): its files and
# typed content are erased this long after the call's results were published.
RETENTION_UNSUCCESSFUL_DOSSIER_DAYS = env.int("RETENTION_UNSUCCESSFUL_DOSSIER_DAYS", default=730)
# A draft never submitted: deleted this long after its call closed.
RETENTION_DRAFT_DOSSIER_DAYS = env.int("RETENTION_DRAFT_DOSSIER_DAYS", default=365)
# An account of a director, evaluator or committee member with nothing pending: anonymised this
# long after its last login (or its creation, if it never logged in).
RETENTION_INACTIVE_ACCOUNT_DAYS = env.int("RETENTION_INACTIVE_ACCOUNT_DAYS", default=730)
# An e-mail's body (the fact that it was sent stays), this long after it was queued.
RETENTION_MAIL_BODY_DAYS = env.int("RETENTION_MAIL_BODY_DAYS", default=90)
# Login history and failed attempts (IP address, browser, login typed), from the attempt.
RETENTION_LOGIN_HISTORY_DAYS = env.int("RETENTION_LOGIN_HISTORY_DAYS", default=180)
# A self-registration whose e-mail was never verified: deleted (accounts.tasks, every 6 hours).
RETENTION_UNVERIFIED_ACCOUNT_DAYS = env.int("RETENTION_UNVERIFIED_ACCOUNT_DAYS", default=7)
# A funded dossier and its contract: kept for the contract and this many years after it ended,
# then only reported for a decision with the archives (law 69-99), never deleted by the portal.
RETENTION_FUNDED_YEARS_AFTER_CONTRACT = env.int("RETENTION_FUNDED_YEARS_AFTER_CONTRACT", default=10)

# One line per event: time (UTC, ISO 8601), level, logger, request id, user id, task, message
# (docs/operations/logs.md). "text" reads well in a terminal; "json" suits a log collector.
LOG_FORMAT = env("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured('LOG_FORMAT must be "text" or "json".')
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "core.logging.ContextFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "text": {"()": "core.logging.TextFormatter"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": LOG_FORMAT,
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false"],
            "level": "ERROR",
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Named so that Django's default console handler (plain, under DEBUG) leaves: its
        # lines reach the root's handler, in the portal's format, once.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

# Error reports (Sentry or GlitchTip), only where a DSN is given; personal data is scrubbed
# before anything leaves (core/error_reports.py).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from core.error_reports import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=None),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# Monitoring: /readyz, /metrics (docs/operations/monitoring.md) ---------------------------------
# Checks /readyz reports without answering 503 when they fail. The cache by default: it fails
# soft, no request fails with it. A site whose load balancer probes /readyz may add broker,
# worker and clamd (shared by every node: their outage would take every node out at once).
READYZ_OPTIONAL_CHECKS = env.list("READYZ_OPTIONAL_CHECKS", default=["cache"])
# /metrics answers only a scraper that sends `Authorization: Bearer <METRICS_TOKEN>`, or one
# whose address is in these networks (CIDR, the client address as the login throttling reads
# it behind TRUSTED_PROXY_COUNT proxies); anyone else, and everyone when neither is set, 404.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
# Request latency per view (core.metrics.ViewLatencyMiddleware): few buckets, as every one is
# a series per view and method, in every gunicorn worker's file.
PROMETHEUS_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, float("inf"))
