"""The servers the deployment tests run: the shipped nginx site, a production gunicorn."""

import os
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from .files import DEPLOY, ROOT, SITE_NAME, production_env
from .servers import Echo, free_port, site_under_nginx, started, stopped


@pytest.fixture
def nginx_site(tmp_path):
    """The site in front of a stand-in for gunicorn that echoes what it receives."""
    backend = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    yield site_under_nginx(tmp_path, backend.server_port)
    backend.shutdown()


@pytest.fixture
def running_nginx(nginx_site):
    process = started(
        [*nginx_site["command"], "-g", "daemon off;"],
        nginx_site["https"],
        nginx_site["dir"] / "nginx.out",
    )
    yield nginx_site
    stopped(process)


# One for the whole run: the docker and nginx tests both ask it.
@pytest.fixture(scope="session")
def production_gunicorn(tmp_path_factory):
    """gunicorn as deployed: gunicorn.conf.py, the production settings, this machine's
    PostgreSQL and Redis; yields its port."""
    broker, database = os.environ.get("CELERY_BROKER_URL"), os.environ.get("DATABASE_URL")
    if not (broker and database):
        pytest.skip("needs DATABASE_URL and CELERY_BROKER_URL (CI sets both)")
    cache = urlsplit(broker)._replace(path="/13" if urlsplit(broker).path != "/13" else "/12")
    port = free_port()
    env = {
        "DJANGO_SETTINGS_MODULE": "clusters_portal.settings.production",
        "SECRET_KEY": "deploy-test-" + "x7Kq2" * 10,
        "ALLOWED_HOSTS": SITE_NAME,
        "SITE_URL": f"https://{SITE_NAME}",
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker,
        "CACHE_URL": cache.geturl(),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
    }
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = started(
        [gunicorn, "-c", "gunicorn.conf.py"], port, log, cwd=ROOT, env=production_env(env)
    )
    yield port
    stopped(process)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())
