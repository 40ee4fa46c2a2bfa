"""What the portal's log lines say: when, how bad, where, which request, whose; never a secret."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from core.logging import REQUEST_ID_HEADER, ContextFilter, JsonFormatter
from core.tests.client import page_text

ROOT = Path(__file__).resolve().parent.parent.parent
NGINX_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
NEW_ID = re.compile(r"[0-9a-f]{32}")
ISO_TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00"


@pytest.fixture
def log_output():
    """What the portal's own console handler (settings.LOGGING) writes, level DEBUG."""
    root = logging.getLogger()
    handler = next(h for h in root.handlers if any(isinstance(f, ContextFilter) for f in h.filters))
    stream = io.StringIO()
    previous_stream = handler.setStream(stream)
    previous_levels = {name: logging.getLogger(name).level for name in ("", "axes", "django")}
    for name in previous_levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield stream
    handler.setStream(previous_stream)
    for name, level in previous_levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.django_db
@pytest.mark.urls("core.tests.urls_with_error")
def test_a_line_written_in_a_view_names_the_request_and_the_person(client, director, log_output):
    client.force_login(director)

    response = client.get("/logged/", HTTP_X_REQUEST_ID=NGINX_ID)

    line = next(x for x in log_output.getvalue().splitlines() if "written by a view" in x)
    assert re.match(
        rf"{ISO_TIME} WARNING core\.tests request_id={NGINX_ID} user_id={director.pk} ", line
    ), line
    assert response[REQUEST_ID_HEADER] == NGINX_ID


@pytest.mark.django_db
@pytest.mark.urls("core.tests.urls_with_error")
def test_a_visitor_line_has_no_user_id(client, log_output):
    client.get("/logged/")

    line = next(x for x in log_output.getvalue().splitlines() if "written by a view" in x)
    assert " user_id=- " in line


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming",
    [
        "",
        "short",
        "x" * 65,
        'abcdef0123456789"><script>',
        "abcdef0123456789 forged=line",
    ],
)
def test_a_malformed_or_missing_request_id_is_replaced(client, incoming):
    response = client.get(reverse("core:home"), HTTP_X_REQUEST_ID=incoming)

    assert NEW_ID.fullmatch(response[REQUEST_ID_HEADER])


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", [NGINX_ID, "3b241101-e2bb-4255-8caf-4136c566a962"])
def test_a_well_formed_request_id_from_the_proxy_is_kept(client, incoming):
    response = client.get(reverse("core:home"), HTTP_X_REQUEST_ID=incoming)

    assert response[REQUEST_ID_HEADER] == incoming


@pytest.mark.django_db
def test_even_a_redirect_of_the_security_middleware_carries_the_id(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(reverse("core:home"), HTTP_X_REQUEST_ID=NGINX_ID)

    assert response.status_code == 301
    assert response[REQUEST_ID_HEADER] == NGINX_ID


@pytest.mark.django_db
def test_a_failed_login_never_logs_the_password_typed(client, director, log_output):
    password = "Ma-Phrase-Secrete-2026"
    json_stream = io.StringIO()
    json_handler = logging.StreamHandler(json_stream)
    json_handler.addFilter(ContextFilter())
    json_handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(json_handler)
    try:
        response = client.post(
            reverse("accounts:login"), {"username": director.email, "password": password}
        )
    finally:
        logging.getLogger().removeHandler(json_handler)

    assert response.status_code == 200
    text, as_json = log_output.getvalue(), json_stream.getvalue()
    # Something was written about the attempt (django-axes records it)…
    assert "login failed" in text.lower()
    assert as_json
    # …and the password is nowhere in it, in either format.
    assert password not in text
    assert password not in as_json


def test_json_lines_parse_and_carry_the_fields():
    """LOG_FORMAT=json, read at start-up: a fresh process, as a deployment would run it."""
    script = (
        "import django, logging\n"
        "django.setup()\n"
        "from django.http import HttpResponse\n"
        "from django.test import RequestFactory\n"
        "from core.logging import RequestIdMiddleware\n"
        "def view(request):\n"
        "    logging.getLogger('portal.check').warning('seen %s', 'here')\n"
        "    return HttpResponse()\n"
        f"request = RequestFactory().get('/', HTTP_X_REQUEST_ID='{NGINX_ID}')\n"
        "RequestIdMiddleware(view)(request)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "LOG_FORMAT": "json",
            "DJANGO_SETTINGS_MODULE": "clusters_portal.settings.test",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    line = next(x for x in lines if x["logger"] == "portal.check")
    assert line["message"] == "seen here"
    assert line["level"] == "WARNING"
    assert line["request_id"] == NGINX_ID
    assert line["user_id"] is None
    assert re.fullmatch(ISO_TIME, line["time"])


def test_secrets_of_one_time_links_are_redacted(log_output):
    logging.getLogger("core.tests").warning(
        "Bad Request: /comptes/mot-de-passe/nouveau/MQ/cz1k3a-0123456789abcdef0123456789abcdef/"
    )

    assert "/comptes/mot-de-passe/nouveau/MQ/[redacted]/" in log_output.getvalue()
    assert "0123456789abcdef" not in log_output.getvalue()


@pytest.mark.django_db
@pytest.mark.urls("core.tests.urls_with_error")
@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fr", "Si vous contactez l'assistance, donnez-lui cette référence :"),
        ("ar", "إذا تواصلت مع الدعم التقني، فأعطه هذا المرجع:"),
        ("en", "If you contact the help desk, give them this reference:"),
    ],
)
def test_the_500_page_shows_the_request_id_to_quote(language, sentence):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language

    response = client.get("/boom/", HTTP_X_REQUEST_ID=NGINX_ID)

    assert response.status_code == 500
    assert response[REQUEST_ID_HEADER] == NGINX_ID
    page = response.content.decode()
    assert sentence in page_text(response)
    # Its own left-to-right island, even inside an Arabic sentence.
    assert f'<bdi dir="ltr" class="font-monospace">{NGINX_ID}</bdi>' in page
