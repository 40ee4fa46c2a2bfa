"""The nginx site (deploy/nginx/): read against the code, checked by nginx -t, then run in front
of a stand-in backend and of a real production gunicorn."""

import http.client
import json
import re
import subprocess
from pathlib import Path

from django.test import RequestFactory

from accounts.throttling import client_ip

from .files import (
    SITE,
    SITE_NAME,
    clamd_mb,
    directive,
    env_example,
    gunicorn_settings,
    largest_file_mb,
    largest_request_mb,
    size_mb,
)
from .servers import https_get, site_under_nginx, started, stopped


def test_upload_limit_lets_the_largest_upload_through():
    limit = size_mb(*directive(SITE.read_text(), "client_max_body_size"))

    # Room for the multipart framing and the form's other fields.
    assert limit >= largest_request_mb() * 1.1, (limit, largest_request_mb())


def test_clamd_scans_whatever_nginx_lets_through():
    # A longer stream is cut (the file stays "analyse impossible"); a larger file is not
    # scanned at all and reported clean.
    assert clamd_mb("StreamMaxLength") >= largest_file_mb()
    assert clamd_mb("MaxFileSize") >= clamd_mb("StreamMaxLength")
    assert clamd_mb("MaxScanSize") >= clamd_mb("MaxFileSize")


def test_nginx_never_serves_uploads_or_the_quarantine():
    _, env = env_example()
    private = [Path(env["MEDIA_ROOT"]), Path(env["QUARANTINE_ROOT"])]
    text = SITE.read_text()
    served = [Path(path.strip()) for path in directive(text, "alias") + directive(text, "root")]

    assert served, "the site serves the static files itself"
    for path in served:
        for directory in private:
            # Neither the directory nor anything above it (root /srv/portal would publish it).
            assert path != directory and path not in directory.parents, (path, directory)
    for word in ("media", "quarantine"):
        assert not re.search(rf"(?m)^\s*location[^{{]*{word}", text), word


def test_proxy_waits_for_gunicorn_to_give_up_first():
    text = SITE.read_text()
    timeout = gunicorn_settings()["timeout"]

    for name in ("proxy_read_timeout", "proxy_send_timeout"):
        (value,) = directive(text, name)
        assert int(value.rstrip("s")) > timeout, (name, value, timeout)


def test_nginx_accepts_the_site(nginx_site):
    result = subprocess.run(
        [*nginx_site["command"], "-t"], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_plain_http_is_sent_to_https(running_nginx):
    connection = http.client.HTTPConnection("127.0.0.1", running_nginx["http"], timeout=10)
    connection.request("GET", "/appels/?page=2", headers={"Host": SITE_NAME})
    response = connection.getresponse()

    assert response.status == 301
    assert response.getheader("Location") == f"https://{SITE_NAME}/appels/?page=2"


def test_portal_sees_the_real_client_behind_nginx(running_nginx, settings):
    response, body = https_get(
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
    hashed, hashed_body = https_get(running_nginx, "/static/css/portal.0123456789ab.css")
    plain, _ = https_get(running_nginx, "/static/css/portal.css")

    assert hashed.status == 200 and hashed_body == b"body{}"
    assert hashed.headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"]
    assert "immutable" not in (plain.getheader("Cache-Control") or "")
    for response in (hashed, plain):
        assert response.getheader("Strict-Transport-Security")
        assert response.getheader("X-Content-Type-Options") == "nosniff"


def test_media_and_quarantine_urls_reach_the_portal_not_the_disk(running_nginx):
    for path in ("/media/dossiers/statuts.pdf", "/quarantine/eicar.pdf"):
        response, body = https_get(running_nginx, path)

        # Answered by the stand-in for gunicorn: the portal decides (it has no such route).
        assert json.loads(body)["path"] == path, path
        assert response.getheader("Content-Type") == "application/json"


def test_readiness_and_metrics_reach_the_portal_from_the_monitoring_networks_only(running_nginx):
    for path in ("/readyz", "/metrics"):
        _, body = https_get(running_nginx, path)
        # 127.0.0.2 stands for an address outside the allowed networks.
        refused, _ = https_get(running_nginx, path, source="127.0.0.2")

        assert json.loads(body)["path"] == path, path
        assert refused.status == 403, path
    # The rest of the portal is for everyone.
    _, body = https_get(running_nginx, "/appels/", source="127.0.0.2")
    assert json.loads(body)["path"] == "/appels/"


def test_production_portal_answers_behind_nginx(tmp_path, production_gunicorn):
    site = site_under_nginx(tmp_path, production_gunicorn)
    process = started(
        [*site["command"], "-g", "daemon off;"], site["https"], tmp_path / "nginx.out"
    )
    try:
        response, body = https_get(site, "/healthz")
    finally:
        stopped(process)

    # No redirect loop, the host accepted, the portal healthy.
    assert response.status == 200, body
    assert response.headers.get_all("Strict-Transport-Security") == [
        "max-age=31536000; includeSubDomains; preload"
    ]
