"""gunicorn settings for production; each can be overridden by the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual rule of thumb for synchronous workers: two per core, plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# Uploads of dossier files can be large; let the reverse proxy buffer slow clients.

# Workers are replaced after this many requests, in case something leaks. Not too often: a new
# worker imports Django again (about a second of CPU), and at a few hundred requests a second
# 2,000 replaced each worker every few seconds (measured by make bench).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "clusters_portal.wsgi:application"
