"""gunicorn as deployed (gunicorn.conf.py): its access line carries the request id, in JSON
with LOG_FORMAT=json, next to the portal's own line for the same request."""

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.workers import ROOT, database_url, wait_until

REQUEST_ID = "c0ffee0123456789abcdef0123456789"
# An e-mail verification link: its secret must not reach the log.
SECRET = "eJyrVirNLFGyUtJRSk3OTM7MS1eqBQBGyQaG:1vRsQx:AbCdEf0123456789"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.django_db
def test_the_access_line_carries_the_request_id_as_json(tmp_path):
    port = _free_port()
    output = tmp_path / "gunicorn.log"
    with output.open("w") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "clusters_portal.settings.test",
                "DATABASE_URL": database_url(),
                "LOG_FORMAT": "json",
            },
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        assert wait_until(lambda: _answers(port)), output.read_text()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/comptes/verification/{SECRET}/?token=Tk-QueryValue",
            headers={"X-Request-ID": REQUEST_ID},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)  # noqa: S310 -- a local address
        assert refused.value.headers["X-Request-ID"] == REQUEST_ID
        assert wait_until(lambda: '"gunicorn.access"' in output.read_text(), seconds=10)
    finally:
        process.terminate()
        process.wait(timeout=20)

    text = output.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    access = next(line for line in lines if line["logger"] == "gunicorn.access")
    assert access["request_id"] == REQUEST_ID
    assert access["method"] == "GET"
    assert access["status"] == str(refused.value.code)
    assert access["path"] == "/comptes/verification/[redacted]/"
    assert access["query"] == "token=[redacted]"
    portal = [line for line in lines if line.get("request_id") == REQUEST_ID]
    assert {line["logger"] for line in portal} >= {"gunicorn.access", "django.request"}
    assert SECRET not in text
    assert "Tk-QueryValue" not in text
