"""The image (deploy/Dockerfile, .dockerignore, deploy/healthcheck.py), without Docker: hadolint,
the build's values against the production settings, the HEALTHCHECK against a real gunicorn."""

import http.client
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .files import DEPLOY, ROOT, SITE_NAME, production_env
from .servers import free_port


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
        env=production_env(
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


def _healthcheck(port):
    return subprocess.run(
        [sys.executable, str(DEPLOY / "healthcheck.py")],
        env=production_env({"GUNICORN_BIND": f"0.0.0.0:{port}", "ALLOWED_HOSTS": SITE_NAME}),
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
    result = _healthcheck(free_port())

    assert result.returncode == 1
    assert "healthz unreachable" in result.stderr
