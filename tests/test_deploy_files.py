"""The deployment files in deploy/, checked with the real tools where this machine has them
(nginx, systemd-analyze, hadolint) and read against the code where it has no Docker: what an
operations team deploys from must agree with what the portal expects."""

import http.client
import json
import os
import re
import runpy
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings as django_settings
from django.test import RequestFactory

from accounts.throttling import client_ip
from applications.choices import Indicator
from applications.defaults import DEFAULT_CHECKLIST
from applications.forms.calls import SPECIFICATION_MAX_MB
from applications.models import Call
from contracts.forms.reports import FILE_FIELDS
from contracts.services.lifecycle import SCAN_MAX_MB
from contracts.services.reports import REPORT_MAX_MB

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "portal.conf"
UPSTREAM = DEPLOY / "nginx" / "portal-upstream.conf"
UNITS = sorted((DEPLOY / "systemd").glob("portal*"))
ENV_EXAMPLE = DEPLOY / "portal.env.example"
SITE_NAME = "clusters.mcinet.gov.ma"

# Read by something else than the settings: Django itself, boto3 (the S3 credentials), and
# `make backup`.
READ_OUTSIDE_SETTINGS = {
    "DJANGO_SETTINGS_MODULE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "BACKUP_DIR",
}
# Read by the base settings but meaningless in production: DEBUG is forced off, the file
# e-mail backend is for development.
NOT_FOR_PRODUCTION = {"DEBUG", "EMAIL_FILE_PATH"}
ENV_READ = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")


# --- what the code allows -----------------------------------------------------------------


def largest_file_mb():
    """The largest single file a call or a contract accepts with the shipped defaults: a
    dossier document may be raised to its call's whole dossier size."""
    return max(
        Call._meta.get_field("max_dossier_size_mb").default,
        *(size for *_, size in DEFAULT_CHECKLIST),
        SPECIFICATION_MAX_MB,
        SCAN_MAX_MB,
        REPORT_MAX_MB,
    )


def largest_request_mb():
    """The largest body one request carries: one file, or the annual report page, which sends
    its two report files and an evidence file per standard indicator together."""
    report_page = REPORT_MAX_MB * (len(FILE_FIELDS) + len(Indicator))
    return max(largest_file_mb(), report_page)


def _size_mb(text):
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", text).groups()
    return int(number) * {"": 1 / 2**20, "k": 1 / 1024, "m": 1, "g": 1024}[unit.lower()]


def _directive(text, name):
    """Every value of an nginx directive, comments left out."""
    code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    return re.findall(rf"(?:^|[;{{}}])\s*{name}\s+([^;{{}}]+);", code, re.MULTILINE)


def _env_example():
    """Names the example lists (commented-out lines are optional ones) and the active values."""
    listed, values = set(), {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            listed.add(match[2])
            if not match[1]:
                values[match[2]] = match[3].strip().strip('"')
    return listed, values


def _read_by_settings(*names):
    found = set()
    for name in names:
        found |= set(ENV_READ.findall((ROOT / "clusters_portal/settings" / name).read_text()))
    return found


def _gunicorn_settings():
    clean = {key: value for key, value in os.environ.items() if not key.startswith("GUNICORN_")}
    saved = os.environ.copy()
    try:
        os.environ.clear()
        os.environ.update(clean)
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _unit(path):
    """A systemd unit as {key: [values]}: keys may repeat (Environment=, ReadWritePaths=)."""
    keys = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            keys.setdefault(key.strip(), []).append(value.strip())
    return keys


def _clamd_mb(option):
    text = (DEPLOY / "clamav" / "clamd.conf").read_text()
    return _size_mb(re.search(rf"(?m)^{option}\s+(\S+)$", text)[1])


def _production_env(values):
    """The environment a deployment gives, and nothing of this test process's own."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108 -- only a fallback for the child
        **values,
    }


# --- the nginx site -------------------------------------------------------------------------


def test_upload_limit_lets_the_largest_upload_through():
    limit = _size_mb(*_directive(SITE.read_text(), "client_max_body_size"))

    # Room for the multipart framing and the form's other fields.
    assert limit >= largest_request_mb() * 1.1, (limit, largest_request_mb())


def test_clamd_scans_whatever_nginx_lets_through():
    # A longer stream is cut (the file stays "analyse impossible"); a larger file is not
    # scanned at all and reported clean.
    assert _clamd_mb("StreamMaxLength") >= largest_file_mb()
    assert _clamd_mb("MaxFileSize") >= _clamd_mb("StreamMaxLength")
    assert _clamd_mb("MaxScanSize") >= _clamd_mb("MaxFileSize")


def test_nginx_never_serves_uploads_or_the_quarantine():
    _, env = _env_example()
    private = [Path(env["MEDIA_ROOT"]), Path(env["QUARANTINE_ROOT"])]
    text = SITE.read_text()
    served = [Path(path.strip()) for path in _directive(text, "alias") + _directive(text, "root")]

    assert served, "the site serves the static files itself"
    for path in served:
        for directory in private:
            # Neither the directory nor anything above it (root /srv/portal would publish it).
            assert path != directory and path not in directory.parents, (path, directory)
    for word in ("media", "quarantine"):
        assert not re.search(rf"(?m)^\s*location[^{{]*{word}", text), word


def test_proxy_waits_for_gunicorn_to_give_up_first():
    text = SITE.read_text()
    timeout = _gunicorn_settings()["timeout"]

    for name in ("proxy_read_timeout", "proxy_send_timeout"):
        (value,) = _directive(text, name)
        assert int(value.rstrip("s")) > timeout, (name, value, timeout)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _replace(text, old, new):
    # A rewrite that no longer matches would test something else than the shipped file.
    assert old in text, old
    return text.replace(old, new)


class _Echo(BaseHTTPRequestHandler):
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


def _nginx_site(tmp_path, backend_port):
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
    http_port, https_port = _free_port(), _free_port()

    upstream = _replace(
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
        site = _replace(site, old, new)
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


def _wait_for_port(port, process):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert process.poll() is None, "the server stopped"
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


def _started(command, port, log, **options):
    """A server started on loopback, its output in the log file (a pipe nobody reads could
    fill up and stall it)."""
    with open(log, "ab") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, **options)
    try:
        _wait_for_port(port, process)
    except BaseException:
        process.kill()
        raise AssertionError(Path(log).read_text()) from None
    return process


def _stopped(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def nginx_site(tmp_path):
    """The site in front of a stand-in for gunicorn that echoes what it receives."""
    backend = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    yield _nginx_site(tmp_path, backend.server_port)
    backend.shutdown()


def test_nginx_accepts_the_site(nginx_site):
    result = subprocess.run(
        [*nginx_site["command"], "-t"], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@pytest.fixture
def running_nginx(nginx_site):
    process = _started(
        [*nginx_site["command"], "-g", "daemon off;"],
        nginx_site["https"],
        nginx_site["dir"] / "nginx.out",
    )
    yield nginx_site
    _stopped(process)


def _https_get(site, path, headers=None):
    context = ssl.create_default_context(cafile=site["cert"])
    connection = http.client.HTTPSConnection(
        "127.0.0.1", site["https"], timeout=10, context=context
    )
    # The certificate names the site, as the real one does; the connection goes to loopback.
    connection.sock = context.wrap_socket(
        socket.create_connection(("127.0.0.1", site["https"]), timeout=10),
        server_hostname=SITE_NAME,
    )
    try:
        connection.request("GET", path, headers={"Host": SITE_NAME, **(headers or {})})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def test_plain_http_is_sent_to_https(running_nginx):
    connection = http.client.HTTPConnection("127.0.0.1", running_nginx["http"], timeout=10)
    connection.request("GET", "/appels/?page=2", headers={"Host": SITE_NAME})
    response = connection.getresponse()

    assert response.status == 301
    assert response.getheader("Location") == f"https://{SITE_NAME}/appels/?page=2"


def test_portal_sees_the_real_client_behind_nginx(running_nginx, settings):
    response, body = _https_get(
        running_nginx, "/", {"X-Forwarded-For": "203.0.113.9", "X-Request-ID": "chosen-by-me"}
    )
    seen = {name.lower(): value for name, value in json.loads(body)["headers"].items()}

    assert response.status == 200
    assert seen["host"] == SITE_NAME
    assert seen["x-forwarded-proto"] == "https"
    # nginx appends the address it saw to what the client claimed; the portal, told of one
    # proxy, takes that last hop and never the client's claim.
    assert seen["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR=seen["x-forwarded-for"], REMOTE_ADDR="10.0.0.5"
    )
    assert client_ip(request) == "127.0.0.1"
    # The request id is nginx's own, not the one the client chose.
    assert re.fullmatch(r"[0-9a-f]{32}", seen["x-request-id"])
    # One HSTS header, nginx's, whatever the portal sends.
    assert response.headers.get_all("Strict-Transport-Security") == [
        "max-age=31536000; includeSubDomains; preload"
    ]


def test_static_files_come_from_nginx_and_hashed_ones_are_kept(running_nginx):
    hashed, hashed_body = _https_get(running_nginx, "/static/css/portal.0123456789ab.css")
    plain, _ = _https_get(running_nginx, "/static/css/portal.css")

    assert hashed.status == 200 and hashed_body == b"body{}"
    assert hashed.headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"]
    assert "immutable" not in (plain.getheader("Cache-Control") or "")
    for response in (hashed, plain):
        assert response.getheader("Strict-Transport-Security")
        assert response.getheader("X-Content-Type-Options") == "nosniff"


def test_media_and_quarantine_urls_reach_the_portal_not_the_disk(running_nginx):
    for path in ("/media/dossiers/statuts.pdf", "/quarantine/eicar.pdf"):
        response, body = _https_get(running_nginx, path)

        # Answered by the stand-in for gunicorn: the portal decides (it has no such route).
        assert json.loads(body)["path"] == path, path
        assert response.getheader("Content-Type") == "application/json"


@pytest.fixture(scope="module")
def production_gunicorn(tmp_path_factory):
    """gunicorn as deployed: gunicorn.conf.py, the production settings, this machine's
    PostgreSQL and Redis; yields its port."""
    broker, database = os.environ.get("CELERY_BROKER_URL"), os.environ.get("DATABASE_URL")
    if not (broker and database):
        pytest.skip("needs DATABASE_URL and CELERY_BROKER_URL (CI sets both)")
    cache = urlsplit(broker)._replace(path="/13" if urlsplit(broker).path != "/13" else "/12")
    port = _free_port()
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
    process = _started(
        [gunicorn, "-c", "gunicorn.conf.py"], port, log, cwd=ROOT, env=_production_env(env)
    )
    yield port
    _stopped(process)


def _healthcheck(port):
    return subprocess.run(
        [sys.executable, str(DEPLOY / "healthcheck.py")],
        env=_production_env({"GUNICORN_BIND": f"0.0.0.0:{port}", "ALLOWED_HOSTS": SITE_NAME}),
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


def test_image_healthcheck_passes_against_production_gunicorn(production_gunicorn):
    # Asked plainly, production gunicorn redirects to HTTPS: what nginx adds is needed.
    connection = http.client.HTTPConnection("127.0.0.1", production_gunicorn, timeout=10)
    connection.request("GET", "/healthz", headers={"Host": SITE_NAME})
    assert connection.getresponse().status == 301

    result = _healthcheck(production_gunicorn)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "healthz answered 200" in result.stdout


def test_image_healthcheck_fails_when_gunicorn_is_away():
    result = _healthcheck(_free_port())

    assert result.returncode == 1
    assert "healthz unreachable" in result.stderr


def test_production_portal_answers_behind_nginx(tmp_path, production_gunicorn):
    site = _nginx_site(tmp_path, production_gunicorn)
    process = _started(
        [*site["command"], "-g", "daemon off;"], site["https"], tmp_path / "nginx.out"
    )
    try:
        response, body = _https_get(site, "/healthz")
    finally:
        _stopped(process)

    # No redirect loop, the host accepted, the portal healthy.
    assert response.status == 200, body
    assert response.headers.get_all("Strict-Transport-Security") == [
        "max-age=31536000; includeSubDomains; preload"
    ]


# --- systemd units ------------------------------------------------------------------------


def test_units_pass_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    # The units name /srv/portal/venv; verify checks that each ExecStart exists, so the copies
    # point at this checkout's virtualenv instead, and nothing else changes.
    venv = Path(sys.executable).parent.parent
    for unit in UNITS:
        (tmp_path / unit.name).write_text(unit.read_text().replace("/srv/portal/venv", str(venv)))

    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / unit.name) for unit in UNITS)],
        capture_output=True,
        text=True,
        check=False,
    )
    ours = [line for line in result.stderr.splitlines() if "portal" in line]

    assert result.returncode == 0, result.stderr
    assert not ours, ours


def test_units_run_hardened_as_the_portal_user_from_one_environment_file():
    _, env = _env_example()
    services = {unit.stem: _unit(unit) for unit in UNITS if unit.suffix == ".service"}

    assert set(services) == {"portal-web", "portal-worker", "portal-beat"}
    for name, keys in services.items():
        assert keys["User"] == ["portal"], name
        assert keys["EnvironmentFile"] == ["/etc/portal/portal.env"], name
        assert keys["Restart"] == ["on-failure"], name
        for key, value in [
            ("ProtectSystem", "strict"),
            ("NoNewPrivileges", "yes"),
            ("PrivateTmp", "yes"),
        ]:
            assert keys[key] == [value], (name, key)
        assert keys["ExecStart"][0].startswith("/srv/portal/venv/bin/"), name
    for name in ("portal-web", "portal-worker"):
        writable = " ".join(services[name]["ReadWritePaths"]).split()
        assert env["MEDIA_ROOT"] in writable and env["QUARANTINE_ROOT"] in writable, name
    assert "ReadWritePaths" not in services["portal-beat"]
    assert services["portal-web"]["ExecStart"] == [
        "/srv/portal/venv/bin/gunicorn -c gunicorn.conf.py"
    ]


def test_worker_yields_the_cpu_and_stops_gracefully():
    worker = _unit(DEPLOY / "systemd" / "portal-worker.service")
    soft_shutdown = django_settings.CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT

    assert worker["Nice"] == ["19"]
    # SIGQUIT starts the soft shutdown; SIGTERM would wait for every task's time limit.
    assert worker["KillSignal"] == ["SIGQUIT"]
    assert int(worker["TimeoutStopSec"][0].rstrip("s")) > soft_shutdown


# --- Dockerfile ---------------------------------------------------------------------------


def test_dockerfile_passes_hadolint():
    hadolint = Path(sys.executable).parent / "hadolint"
    if not hadolint.exists():
        hadolint = Path(shutil.which("hadolint") or "hadolint")
    result = subprocess.run(
        [str(hadolint), str(DEPLOY / "Dockerfile")], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr


def _dockerfile_instructions():
    lines = (DEPLOY / "Dockerfile").read_text().splitlines()
    code = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    joined = re.sub(r"\\\n", " ", code)
    return [tuple(line.split(None, 1)) for line in joined.splitlines() if line.strip()]


def test_dockerfile_installs_hashed_requirements_and_runs_unprivileged():
    instructions = _dockerfile_instructions()
    runs = " ".join(args for name, args in instructions if name == "RUN")
    environment = " ".join(args for name, args in instructions if name in {"ENV", "ARG"})
    (user,) = [args for name, args in instructions if name == "USER"]

    assert "pip install --require-hashes -r requirements.txt" in runs
    assert "collectstatic" in runs and "compilemessages" in runs
    assert not user.startswith(("0", "root"))
    # The build's stand-in secrets never reach the image's configuration.
    for name in ("SECRET_KEY", "CELERY_BROKER_URL", "CACHE_URL", "SITE_URL"):
        assert name not in environment, name
    assert any(name == "HEALTHCHECK" and "healthcheck.py" in args for name, args in instructions)
    assert "/healthz" in (DEPLOY / "healthcheck.py").read_text()


def test_dockerfile_build_values_are_enough_for_the_production_settings():
    runs = [args for name, args in _dockerfile_instructions() if name == "RUN"]
    (build,) = [args for args in runs if "collectstatic" in args]
    values = dict(re.findall(r"\b([A-Z][A-Z0-9_]*)=(\S+)", build.split("sh -c", 1)[0]))

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=_production_env(
            {"DJANGO_SETTINGS_MODULE": "clusters_portal.settings.production", **values}
        ),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr


def test_dockerignore_keeps_local_data_and_the_virtualenv_out():
    ignored = (ROOT / ".dockerignore").read_text().split()

    for entry in (".git", ".venv", "var/", "test-artifacts/", "staticfiles/", "media/"):
        assert entry in ignored, entry
    # The filled-in environment files and the certificate's key (deploy/portal.env, …).
    for entry in ("**/*.env", "deploy/certs/"):
        assert entry in ignored, entry


# --- compose ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def _mounts(service):
    """{source: path in the container} of a service's volumes and bind mounts."""
    return dict(volume.split(":")[:2] for volume in service.get("volumes", []))


def test_compose_has_every_service_of_the_deployment(compose):
    services = compose["services"]

    assert {
        "postgres",
        "redis-broker",
        "redis-cache",
        "clamav",
        "migrate",
        "web",
        "worker",
        "beat",
        "nginx",
    } <= set(services)
    for name in ("postgres", "redis-broker", "redis-cache", "clamav", "worker"):
        assert "test" in services[name]["healthcheck"], name


def test_compose_volumes_are_named_and_config_files_read_only(compose):
    declared = set(compose["volumes"])

    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith((".", "/")):
                assert volume.endswith(":ro"), (name, volume)
            else:
                assert source in declared, (name, volume)


def test_portal_processes_share_environment_uploads_and_start_after_migrate(compose):
    services = compose["services"]
    _, env = _env_example()
    media, quarantine = env["MEDIA_ROOT"], env["QUARANTINE_ROOT"]
    socket_dir = str(Path(env["CLAMD_SOCKET"]).parent)

    for name in ("migrate", "web", "worker", "beat"):
        assert services[name]["env_file"] == "portal.env", name
        assert services[name]["image"] == services["web"]["image"], name
    for name in ("web", "worker"):
        mounts = {path: volume for volume, path in _mounts(services[name]).items()}
        assert mounts.get(media) == "uploads", name
        assert mounts.get(quarantine) == "quarantine", name
        assert mounts.get(socket_dir) == "clamav-socket", name
    assert _mounts(services["clamav"]).get("clamav-socket") == socket_dir
    for name in ("web", "worker", "beat"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["worker"]["stop_signal"] == "SIGQUIT"
    assert int(services["worker"]["stop_grace_period"].rstrip("s")) > (
        django_settings.CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT
    )


def test_nginx_in_compose_gets_static_files_but_never_uploads(compose):
    nginx = _mounts(compose["services"]["nginx"])

    assert "static" in nginx
    assert not {"uploads", "quarantine", "clamav-socket"} & set(nginx)
    assert nginx["./nginx/portal.conf"].startswith("/etc/nginx/conf.d/")


def test_broker_and_cache_are_separate_redis(compose):
    services = compose["services"]
    _, env = _env_example()
    broker, cache = urlsplit(env["CELERY_BROKER_URL"]), urlsplit(env["CACHE_URL"])

    assert broker.hostname == "redis-broker" and cache.hostname == "redis-cache"
    assert "--appendonly" in services["redis-broker"]["command"]
    cache_command = services["redis-cache"]["command"]
    assert cache_command[cache_command.index("--maxmemory-policy") + 1] == "allkeys-lru"


# --- the environment file -----------------------------------------------------------------


def test_env_example_names_only_what_something_reads():
    listed, _ = _env_example()
    read = _read_by_settings("base.py", "production.py") | READ_OUTSIDE_SETTINGS
    gunicorn = (ROOT / "gunicorn.conf.py").read_text()
    read |= set(re.findall(r"""os\.environ\.get\(\s*["']([A-Z_]+)""", gunicorn))

    assert listed - read == set()


def test_env_example_names_every_production_setting():
    listed, _ = _env_example()
    read = _read_by_settings("base.py", "production.py") - NOT_FOR_PRODUCTION

    assert read - listed == set(), "add these to deploy/portal.env.example"


def test_env_example_is_enough_for_the_production_settings():
    _, values = _env_example()
    # Left empty on purpose in the example, so that a forgotten one stops the portal.
    assert values["SECRET_KEY"] == ""
    values["SECRET_KEY"] = "deploy-test-" + "x7Kq2" * 10

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(values),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
