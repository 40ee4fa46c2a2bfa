import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from core.templatetags.portal import width_class

BASE_DIR = Path(__file__).resolve().parents[2]


def test_every_page_carries_a_policy_without_inline_scripts_or_styles(client, db):
    response = client.get(reverse("core:home"))

    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_pages_refuse_framing_sniffing_and_unused_browser_features(client, db):
    response = client.get(reverse("applications:call_list"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_no_template_served_to_browsers_has_inline_script_style_or_handler():
    """The CSP would block them: they must not exist (e-mails and PDFs are not pages)."""
    offenders = []
    for template in (BASE_DIR / "templates").rglob("*.html"):
        relative = template.relative_to(BASE_DIR / "templates").as_posix()
        if relative.startswith(("emails/", "pdf/")):
            continue
        text = template.read_text()
        for marker in ('style="', "<style", " onclick=", " onchange=", " onsubmit=", "javascript:"):
            if marker in text:
                offenders.append(f"{relative}: {marker}")
        for line in text.splitlines():
            if "<script" in line and "src=" not in line:
                offenders.append(f"{relative}: inline <script>")
    assert offenders == []


@pytest.mark.parametrize(
    ("value", "scale", "expected"),
    [
        (0, 100, "w-pct-0"),
        (42.4, 100, "w-pct-42"),
        (250, 1000, "w-pct-25"),
        (130, 100, "w-pct-100"),
        (-5, 100, "w-pct-0"),
        (5, 0, "w-pct-0"),
        ("n/a", 100, "w-pct-0"),
    ],
)
def test_bar_widths_are_whole_percent_classes_within_the_track(value, scale, expected):
    assert width_class(value, scale) == expected


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "clusters_portal.settings.production",
    "SECRET_KEY": "k" * 20 + "-production-like-secret-0123456789-abcdefghij",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14",
    "CACHE_URL": "redis://127.0.0.1:6379/13",
    "SITE_URL": "https://clusters.example.ma",
}


def _run_with_production_settings(*args):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is itself refused by the deployment checks.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env={**env, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_production_settings_pass_the_deployment_checklist():
    result = _run_with_production_settings(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_sends_hsts_and_secure_cookies():
    result = _run_with_production_settings(
        "-c",
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT)",
    )

    assert result.stdout.split() == ["31536000", "True", "True", "True"], result.stderr
