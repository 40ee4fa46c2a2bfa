"""The check behind /healthz (liveness): does this process answer, with its database?

Liveness decides whether an orchestrator restarts the process. The broker, the worker, clamd
and the cache are shared by every node and the portal keeps working without them (work waits
as pending, the cache fails soft): restarting web nodes during their outage would cure nothing
and drop requests, so they are checked by /readyz (core/readiness.py) only. The database
stays: without it the process serves no page, and one SELECT 1 is cheap.
"""

from django.db import connection


def database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "unavailable", whatever the driver raises
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}
