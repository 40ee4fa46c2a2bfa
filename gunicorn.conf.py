"""gunicorn settings for production; each can be overridden by the environment."""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual rule of thumb for synchronous workers: two per core, plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# Workers are replaced after this many requests, in case something leaks. Not too often: a new
# worker imports Django again (about a second of CPU), and at a few hundred requests a second
# 2,000 replaced each worker every few seconds (measured by make bench).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
# The request id links an access line to the portal's own lines (docs/operations/logs.md).
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" request_id=%({x-request-id}o)s'
)
# gunicorn's lines in the portal's format: ISO time, level, logger; JSON with LOG_FORMAT=json.
_log_format = os.environ.get("LOG_FORMAT", "text")
_formatter = (
    "core.logging.AccessJsonFormatter" if _log_format == "json" else "core.logging.TextFormatter"
)
logconfig_dict = {
    "formatters": {"portal": {"()": _formatter}},
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "portal",
            "stream": "ext://sys.stdout",
        },
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "portal",
            "stream": "ext://sys.stderr",
        },
    },
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        "gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
    },
}
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "clusters_portal.wsgi:application"
# gunicorn's control socket (gunicornc) is not used: systemd and compose manage the process by
# signals. Left on, it would sit in $HOME/.gunicorn, read-only under the unit's
# ProtectSystem=strict, and two nodes on one host would fight over it.
control_socket_disable = True

# Metrics (docs/operations/monitoring.md). Each worker process counts its own requests; in
# Prometheus' multiprocess mode each writes its counters to files in one folder, which /metrics
# adds up whichever worker answers the scrape. The variable must be set before a worker imports
# prometheus_client: here, in the master, before the fork. Without PROMETHEUS_MULTIPROC_DIR,
# a folder of this server's own, removed when it stops.
# (Marked in the environment: a reload on SIGHUP reads this file again.)
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="portal-metrics-")
    os.environ["PORTAL_OWN_METRICS_DIR"] = "1"


def on_starting(server):
    # Counters start again with the server, as Prometheus expects of a restart: files left by
    # a previous run would be added to this one's.
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    # A replaced worker's counters stay counted; only its live gauges are dropped.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if os.environ.get("PORTAL_OWN_METRICS_DIR"):
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
