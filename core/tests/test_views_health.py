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
def test_healthz_does_not_depend_on_the_broker(client, settings):
    # Nothing listens on port 1: liveness must not get web nodes restarted for a broker outage
    # (the portal keeps the work as pending); /readyz reports it.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False

    response = client.get(HEALTHZ)

    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database"}


@pytest.mark.django_db
def test_healthz_reports_a_failing_database(client, monkeypatch):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get(HEALTHZ)

    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False
