"""Run in a process of its own by tests/test_error_reports.py (sentry-sdk initialises once,
globally, from SENTRY_DSN): a signed-in director's request fails, the report goes out."""

import os
import sys

import django

django.setup()

import sentry_sdk  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import override_settings  # noqa: E402

from core.tests.client import VerifiedLoginClient  # noqa: E402


def main(email, request_id):
    password = os.environ["PROBE_PASSWORD"]
    client = VerifiedLoginClient(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(email=email))
    with override_settings(ROOT_URLCONF="core.tests.urls_with_error"):
        response = client.post(
            "/boom-personal/",
            {"email": email, "password": password},
            HTTP_X_REQUEST_ID=request_id,
            HTTP_AUTHORIZATION=f"Bearer {password}",
        )
    assert response.status_code == 500, response.status_code
    sentry_sdk.flush(timeout=10)


if __name__ == "__main__":
    main(*sys.argv[1:])
