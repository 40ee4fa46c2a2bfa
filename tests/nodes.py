"""Two gunicorn nodes of the portal behind Debian's nginx, on the loopback, for one test.

The nodes run the production settings, made fit for plain HTTP by the environment only (no
TLS redirect, no HSTS, cookies without the Secure flag); they share the test's PostgreSQL
database, one Redis (cache and broker in databases of their own), the SECRET_KEY and one
MEDIA_ROOT. nginx balances them round robin and names, in a header, the node that answered.
It reaches them from another loopback address than the client's, so that a test can tell the
client's address (X-Forwarded-For) from the proxy's (REMOTE_ADDR).
"""

import os
import shutil
import socket
import subprocess  # nosec B404
import sys
import time
from pathlib import Path
from urllib.request import urlopen

from core.tests.redis_server import free_port

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PROXY_ADDRESS = "127.0.0.3"
NODE_HEADER = "X-Portal-Upstream"
SECRET_KEY = "two-nodes-test-only-secret-0f3a9c2e7b1d4a6f8e5c0b9a7d3f1e2c4b6a8d0f"  # nosec B105

NGINX_CONF = """
worker_processes 1;
daemon off;
master_process on;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
{user}
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    client_max_body_size 40m;
    upstream portal {{
        server 127.0.0.1:{first};
        server 127.0.0.1:{second};
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://portal;
            proxy_bind {proxy_address};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A request that fails on one node must fail the test, not be sent to the other.
            proxy_next_upstream off;
            add_header {header} $upstream_addr always;
        }}
    }}
}}
"""


def wait_for_port(port, process, log, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"not listening after {seconds} s:\n{log.read_text()}")


def wait_until_serving(port, process, log, seconds=60):
    """gunicorn listens before its worker has loaded Django: wait for a first answer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:  # nosec B310
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"not serving after {seconds} s:\n{log.read_text()}")


def node_environment(*, tmp, database_url, redis, site_url, static_root):
    clean = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "clusters_portal.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": site_url,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": redis.url(1),
        "CACHE_URL": redis.url(2),
        "MEDIA_ROOT": str(tmp / "media"),
        "QUARANTINE_ROOT": str(tmp / "quarantine"),
        "FILE_STORAGE": "local",
        "STATIC_ROOT": str(static_root),
        "CLAMD_SOCKET": "",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp / "mail"),
        # Plain HTTP on the loopback: what production does over TLS, switched off by env.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_COOKIES": "false",
        "TRUSTED_PROXY_COUNT": "1",
        "FORWARDED_ALLOW_IPS": PROXY_ADDRESS,
        "GUNICORN_WORKERS": "1",
    }


class Cluster:
    """Two nodes and their load balancer; `url` is nginx's address."""

    def __init__(self, tmp, environment):
        self.tmp, self.processes = tmp, []
        self.node_ports = [free_port(), free_port()]
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        for port in self.node_ports:
            self._start(
                f"node-{port}",
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
                {**environment, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                port,
            )
        for port, process in zip(self.node_ports, self.processes, strict=True):
            wait_until_serving(port, process, self.tmp / f"node-{port}.log")
        self._start_nginx()

    def _start(self, name, command, env, port):
        log = self.tmp / f"{name}.log"
        with log.open("w") as output:
            process = subprocess.Popen(  # nosec B603
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        wait_for_port(port, process, log)

    def _start_nginx(self):
        config = self.tmp / "nginx.conf"
        user = "user root;" if os.geteuid() == 0 else ""
        first, second = self.node_ports
        config.write_text(
            NGINX_CONF.format(
                tmp=self.tmp,
                user=user,
                first=first,
                second=second,
                port=self.port,
                proxy_address=PROXY_ADDRESS,
                header=NODE_HEADER,
            )
        )
        command = [NGINX, "-p", str(self.tmp), "-e", str(self.tmp / "nginx-error.log")]
        self._start("nginx", [*command, "-c", str(config)], os.environ.copy(), self.port)

    def logs(self):
        return "\n".join(
            f"== {log.name}\n{log.read_text()[-4000:]}" for log in sorted(self.tmp.glob("*.log"))
        )

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
