"""gunicorn with the production configuration and the bench settings, on a free local port."""

import os
import socket
import subprocess  # nosec B404
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "var" / "bench"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(port, workers, *, environment=None, log="gunicorn.log"):
    """gunicorn in the background; `environment` adds to (or replaces) this process's."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clusters_portal.settings.bench",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        **(environment or {}),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = (LOG_DIR / log).open("w")
    return subprocess.Popen(  # noqa: S603 -- our own gunicorn and config  # nosec B603
        [str(gunicorn), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_healthy(base_url, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {LOG_DIR / 'gunicorn.log'}")
        try:
            if requests.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"/healthz did not answer 200 within {timeout} s")


def stop(process, grace=20):
    """SIGTERM, then SIGKILL if it is still there after `grace` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running(port, workers, **start_options):
    """gunicorn started, answering on /healthz, and stopped when the block ends."""
    process = start(port, workers, **start_options)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process)
        yield process
    finally:
        stop(process)
