"""Checks behind /healthz: can the portal reach its database and its task broker?"""

from django.conf import settings
from django.db import connection
from kombu import Connection


def database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "unavailable", whatever the driver raises
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def broker_state():
    url = settings.CELERY_BROKER_URL
    if not url:
        return {"ok": True, "mode": "inline"}
    try:
        with Connection(url, connect_timeout=2, transport_options={"max_retries": 0}) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            conn.default_channel  # noqa: B018 -- opening a channel talks to the broker
    except Exception as exc:  # idem: report, never raise
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "mode": "broker"}
