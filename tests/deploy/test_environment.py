"""deploy/portal.env.example against the settings: every variable they read, nothing else, and
enough for them to start."""

import re
import subprocess
import sys

from .files import (
    NOT_FOR_PRODUCTION,
    READ_OUTSIDE_SETTINGS,
    ROOT,
    env_example,
    production_env,
    read_by_settings,
)


def test_env_example_names_only_what_something_reads():
    listed, _ = env_example()
    read = read_by_settings("base.py", "production.py") | READ_OUTSIDE_SETTINGS
    gunicorn = (ROOT / "gunicorn.conf.py").read_text()
    read |= set(re.findall(r"""os\.environ\.get\(\s*["']([A-Z_]+)""", gunicorn))

    assert listed - read == set()


def test_env_example_names_every_production_setting():
    listed, _ = env_example()
    read = read_by_settings("base.py", "production.py") - NOT_FOR_PRODUCTION

    assert read - listed == set(), "add these to deploy/portal.env.example"


def test_env_example_is_enough_for_the_production_settings():
    _, values = env_example()
    # Left empty on purpose in the example, so that a forgotten one stops the portal.
    assert values["SECRET_KEY"] == ""
    values["SECRET_KEY"] = "deploy-test-" + "x7Kq2" * 10

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(values),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
