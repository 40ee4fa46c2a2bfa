"""What the deployment files and the code say, read the same way by every deployment test."""

import os
import re
import runpy
from pathlib import Path

from applications.choices import Indicator
from applications.defaults import DEFAULT_CHECKLIST
from applications.forms.calls import SPECIFICATION_MAX_MB
from applications.models import Call
from contracts.forms.reports import FILE_FIELDS
from contracts.services.lifecycle import SCAN_MAX_MB
from contracts.services.reports import REPORT_MAX_MB

ROOT = Path(__file__).resolve().parent.parent.parent
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


def size_mb(text):
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", text).groups()
    return int(number) * {"": 1 / 2**20, "k": 1 / 1024, "m": 1, "g": 1024}[unit.lower()]


def directive(text, name):
    """Every value of an nginx directive, comments left out."""
    code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    return re.findall(rf"(?:^|[;{{}}])\s*{name}\s+([^;{{}}]+);", code, re.MULTILINE)


def env_example():
    """Names the example lists (commented-out lines are optional ones) and the active values."""
    listed, values = set(), {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            listed.add(match[2])
            if not match[1]:
                values[match[2]] = match[3].strip().strip('"')
    return listed, values


def read_by_settings(*names):
    found = set()
    for name in names:
        found |= set(ENV_READ.findall((ROOT / "clusters_portal/settings" / name).read_text()))
    return found


def gunicorn_settings():
    clean = {key: value for key, value in os.environ.items() if not key.startswith("GUNICORN_")}
    saved = os.environ.copy()
    try:
        os.environ.clear()
        os.environ.update(clean)
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def unit_keys(path):
    """A systemd unit as {key: [values]}: keys may repeat (Environment=, ReadWritePaths=)."""
    keys = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            keys.setdefault(key.strip(), []).append(value.strip())
    return keys


def clamd_mb(option):
    text = (DEPLOY / "clamav" / "clamd.conf").read_text()
    return size_mb(re.search(rf"(?m)^{option}\s+(\S+)$", text)[1])


def production_env(values):
    """The environment a deployment gives, and nothing of this test process's own."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108 -- only a fallback for the child
        **values,
    }


def replaced(text, old, new):
    # A rewrite that no longer matches would test something else than the shipped file.
    assert old in text, old
    return text.replace(old, new)
