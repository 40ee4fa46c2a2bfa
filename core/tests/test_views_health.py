import pytest
from django.db import OperationalError
from django.urls import reverse

HEALTHZ = reverse("healthz")


@pytest.mark.django_db
def test_healthz_reports_a_healthy_portal(client):
    response = client.get(HEALTHZ)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_broker(client, settings):
    # Nothing listens on port 1: a real connection attempt that fails.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get(HEALTHZ)

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"ok": False, "error": "OperationalError"}


@pytest.mark.django_db
def test_healthz_reports_a_failing_database(client, monkeypatch):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get(HEALTHZ)

    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False


@pytest.mark.django_db
def test_healthz_reports_a_reachable_broker(client, settings):
    import os

    url = os.environ.get("CELERY_BROKER_URL")
    if not url:
        pytest.skip("CELERY_BROKER_URL is not set (CI sets it)")
    settings.CELERY_BROKER_URL = url

    response = client.get(HEALTHZ)

    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == {"ok": True, "mode": "broker"}
