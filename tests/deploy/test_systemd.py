"""The systemd units (deploy/systemd/): systemd-analyze verify, and what the units promise."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from .files import DEPLOY, UNITS, env_example, unit_keys


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
    _, env = env_example()
    services = {unit.stem: unit_keys(unit) for unit in UNITS if unit.suffix == ".service"}

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
    worker = unit_keys(DEPLOY / "systemd" / "portal-worker.service")
    soft_shutdown = django_settings.CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT

    assert worker["Nice"] == ["19"]
    # SIGQUIT starts the soft shutdown; SIGTERM would wait for every task's time limit.
    assert worker["KillSignal"] == ["SIGQUIT"]
    assert int(worker["TimeoutStopSec"][0].rstrip("s")) > soft_shutdown
