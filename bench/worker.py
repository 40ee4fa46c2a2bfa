"""A real Celery worker for the benchmark, with the bench settings and the same broker."""

import os
import shutil
import subprocess  # nosec B404
import sys
import time
from pathlib import Path

import server

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "var" / "bench"


def start(name, concurrency, *, log, queue="celery", niceness=0):
    """A prefork worker; `niceness` lowers its priority below gunicorn's, as on a single host
    the README advises, so that requests come before the PDFs and e-mails they queued."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    celery = Path(sys.executable).with_name("celery")
    output = (LOG_DIR / log).open("w")
    return subprocess.Popen(  # noqa: S603 -- our own worker  # nosec B603
        [
            shutil.which("nice") or "/usr/bin/nice",
            "-n",
            str(niceness),
            str(celery),
            "-A",
            "clusters_portal",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(concurrency),
            "--queues",
            queue,
            "--hostname",
            name,
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "clusters_portal.settings.bench"},
        stdout=output,
        stderr=subprocess.STDOUT,
    )


def wait_ready(name, process, timeout=60):
    from clusters_portal.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker {name} exited; see its log in {LOG_DIR}")
        if app.control.ping(destination=[name], timeout=1):
            return
    raise RuntimeError(f"the Celery worker did not answer a ping within {timeout} s")


def stop(process):
    # SIGTERM is Celery's warm shutdown: tasks in hand finish, the children exit.
    server.stop(process, grace=60)
