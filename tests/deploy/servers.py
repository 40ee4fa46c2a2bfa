"""nginx and gunicorn started for a test, on loopback ports, with the shipped files."""

import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from .files import SITE, SITE_NAME, UPSTREAM, replaced


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Echo(BaseHTTPRequestHandler):
    """Stands for gunicorn: answers with the headers nginx passed, and an HSTS header of its
    own as Django's SecurityMiddleware would send."""

    def do_GET(self):
        body = json.dumps({"path": self.path, "headers": dict(self.headers.items())}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Strict-Transport-Security", "max-age=60")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def site_under_nginx(tmp_path, backend_port):
    """The shipped site under a minimal nginx.conf, its paths moved into tmp_path, in front of
    the backend on backend_port: the command to run it, its ports and its certificate."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (Debian's nginx package; CI installs it)")
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", f"/CN={SITE_NAME}", "-addext", f"subjectAltName=DNS:{SITE_NAME}"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "portal.0123456789ab.css").write_text("body{}")
    (static / "css" / "portal.css").write_text("body{}")
    http_port, https_port = free_port(), free_port()

    upstream = replaced(
        UPSTREAM.read_text(), "server 127.0.0.1:8000", f"server 127.0.0.1:{backend_port}"
    )
    (tmp_path / "upstream.conf").write_text(upstream)
    site = SITE.read_text()
    for old, new in [
        ("/etc/nginx/portal-upstream.conf", str(tmp_path / "upstream.conf")),
        ("/etc/ssl/portal/fullchain.pem", str(cert)),
        ("/etc/ssl/portal/privkey.pem", str(key)),
        ("/var/log/nginx/", f"{tmp_path}/"),
        ("/srv/portal/static/", f"{static}/"),
        ("/var/www/acme", str(tmp_path)),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
    ]:
        site = replaced(site, old, new)
    (tmp_path / "portal.conf").write_text(site)
    # nginx's workers drop to "nobody" when started as root, and could not read tmp_path.
    user = "user root;" if os.geteuid() == 0 else ""
    temp = "".join(
        f"{kind}_temp_path {tmp_path / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"{user} pid {tmp_path / 'nginx.pid'}; error_log {tmp_path / 'error.log'};"
        f" events {{}} http {{ include /etc/nginx/mime.types; {temp}"
        f" access_log {tmp_path / 'access.log'}; include {tmp_path / 'portal.conf'}; }}"
    )
    command = [nginx, "-p", str(tmp_path), "-e", str(tmp_path / "error.log")]
    command += ["-c", str(tmp_path / "nginx.conf")]
    return {
        "command": command,
        "http": http_port,
        "https": https_port,
        "cert": cert,
        "dir": tmp_path,
    }


def wait_for_port(port, process):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert process.poll() is None, "the server stopped"
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


def started(command, port, log, **options):
    """A server started on loopback, its output in the log file (a pipe nobody reads could
    fill up and stall it)."""
    with open(log, "ab") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, **options)
    try:
        wait_for_port(port, process)
    except BaseException:
        process.kill()
        raise AssertionError(Path(log).read_text()) from None
    return process


def stopped(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def https_get(site, path, headers=None, source="127.0.0.1"):
    context = ssl.create_default_context(cafile=site["cert"])
    connection = http.client.HTTPSConnection(
        "127.0.0.1", site["https"], timeout=10, context=context
    )
    # The certificate names the site, as the real one does; the connection goes to loopback.
    connection.sock = context.wrap_socket(
        socket.create_connection(
            ("127.0.0.1", site["https"]), timeout=10, source_address=(source, 0)
        ),
        server_hostname=SITE_NAME,
    )
    try:
        connection.request("GET", path, headers={"Host": SITE_NAME, **(headers or {})})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()
