"""/metrics: hidden (404) from anyone without the token or outside the allowed networks; to
the scraper, per-view latency and the portal's gauges with the values in the database and in
a real Redis broker of the test's own."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from celery import shared_task
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu import Connection
from prometheus_client.parser import text_string_to_metric_families

from applications.choices import ScanStatus
from applications.models import DossierDocument, Receipt
from applications.tests.factories import DossierFactory, RequiredDocumentFactory
from bench import server
from core.models import MailStatus, OutgoingMail
from tests.workers import database_url

METRICS = reverse("metrics")
TOKEN = "a-scraper-token-long-enough-to-be-random-0123456789"

pytestmark = pytest.mark.django_db


def scrape(**headers):
    return Client(**headers).get(METRICS)


def samples(response):
    """{(name, frozenset(labels)): value} of a scrape."""
    text = response.content.decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_off_when_neither_token_nor_network_is_set(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []

    assert scrape().status_code == 404
    assert scrape(HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_the_token_opens_it_and_nothing_else_does(settings):
    settings.METRICS_TOKEN = TOKEN

    assert scrape().status_code == 404
    assert scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}x").status_code == 404
    assert scrape(HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 404
    # Refused exactly as an unknown address: the portal's own 404 page.
    refused, unknown = scrape(), Client().get("/no-such-page")
    assert [t.name for t in refused.templates] == [t.name for t in unknown.templates]
    served = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert served.status_code == 200
    assert served["Content-Type"].startswith("text/plain; version=")
    assert "no-cache" in served["Cache-Control"]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").post(METRICS).status_code == 405


def test_an_allowed_network_opens_it_as_the_login_throttling_sees_the_client(settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16", "2001:db8::/32"]

    assert scrape(REMOTE_ADDR="10.20.3.4").status_code == 200
    assert scrape(REMOTE_ADDR="2001:db8::7").status_code == 200
    assert scrape(REMOTE_ADDR="10.21.3.4").status_code == 404

    # Behind one proxy of ours, the address it saw, not one the client wrote before it.
    settings.TRUSTED_PROXY_COUNT = 1
    proxied = {"REMOTE_ADDR": "127.0.0.1"}
    assert scrape(HTTP_X_FORWARDED_FOR="10.20.3.4", **proxied).status_code == 200
    spoofed = scrape(HTTP_X_FORWARDED_FOR="10.20.3.4, 203.0.113.9", **proxied)
    assert spoofed.status_code == 404


def test_latency_of_a_view_just_requested(settings):
    settings.METRICS_TOKEN = TOKEN
    before = samples(scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))
    key = (
        "django_http_requests_latency_seconds_by_view_method_count",
        frozenset({"view": "applications:call_list", "method": "GET"}.items()),
    )

    assert Client().get(reverse("applications:call_list")).status_code == 200
    after = samples(scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))

    assert after[key] == before.get(key, 0) + 1
    responses = (
        "django_http_responses_total_by_status_view_method_total",
        frozenset({"view": "applications:call_list", "method": "GET", "status": "200"}.items()),
    )
    assert after[responses] >= 1


def _mail(key, status):
    return OutgoingMail.objects.create(
        key=key, template="t", to="a@cluster.ma", language="fr", subject="s", body_text="b",
        status=status,
    )  # fmt: skip


def _document(dossier, status, user):
    return DossierDocument.objects.create(
        dossier=dossier,
        requirement=RequiredDocumentFactory(call=dossier.call),
        file="dossiers/x.pdf",
        original_name="x.pdf",
        size=10,
        sha256="0" * 64,
        content_type="application/pdf",
        uploaded_by=user,
        scan_status=status,
    )


def test_portal_gauges_count_what_waits(settings, director):
    settings.METRICS_TOKEN = TOKEN
    _mail("one", MailStatus.PENDING)
    _mail("two", MailStatus.PENDING)
    _mail("sent", MailStatus.SENT)
    dossier = DossierFactory()
    for status in (ScanStatus.PENDING, ScanStatus.ERROR, ScanStatus.ERROR, ScanStatus.CLEAN):
        _document(dossier, status, director)
    Receipt.objects.create(dossier=dossier, number="R-1", submitted_at=timezone.now())
    Receipt.objects.create(
        dossier=dossier, number="R-2", submitted_at=timezone.now(), pdf="receipts/r.pdf"
    )

    found = samples(scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))

    assert found[("portal_mails_pending", frozenset())] == 2
    assert found[("portal_documents_awaiting_scan", frozenset({("status", "pending")}))] == 1
    assert found[("portal_documents_awaiting_scan", frozenset({("status", "error")}))] == 2
    assert found[("portal_receipts_pending", frozenset())] == 1


def test_request_metrics_are_served_while_the_database_fails(settings):
    if connection.vendor != "postgresql":
        pytest.skip("a table renamed inside the test's transaction: PostgreSQL")
    settings.METRICS_TOKEN = TOKEN
    assert Client().get(reverse("healthz")).status_code == 200
    with connection.cursor() as cursor:
        # Rolled back with the test: the gauges' queries fail as on a broken database.
        cursor.execute("ALTER TABLE core_outgoingmail RENAME TO core_outgoingmail_away")

    served = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert served.status_code == 200
    names = {name for name, _labels in samples(served)}
    assert "portal_mails_pending" not in names
    assert "django_http_requests_latency_seconds_by_view_method_count" in names


@shared_task(name="tests.test_metrics.failing")
def failing():
    raise RuntimeError("failing on purpose")


@shared_task(name="tests.test_metrics.retrying", bind=True)
def retrying(self):
    if self.request.retries == 0:
        raise self.retry(countdown=0)
    return "done"


@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_broker_gauges_and_task_counters(redis_server, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.CELERY_BROKER_URL = redis_server.url()
    from clusters_portal.celery import app

    with Connection(redis_server.url()) as connection:
        for _ in range(3):
            app.send_task("core.tasks.pending_mails_send", connection=connection)
    # Eagerly, as the tests run tasks, without propagating the error: the signals fire as in a
    # worker (a real worker's own count is checked in tests/test_readiness.py).
    assert failing.apply(throw=False).failed()
    assert retrying.apply(throw=False).get() == "done"

    found = samples(scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))

    assert found[("portal_broker_up", frozenset())] == 1
    assert found[("portal_celery_queue_length", frozenset({("queue", "celery")}))] == 3
    assert found[("portal_celery_tasks_unacked", frozenset())] == 0
    failed = frozenset({("task", failing.name)})
    assert found[("portal_celery_tasks_failed_total", failed)] == 1
    retried = frozenset({("task", retrying.name)})
    assert found[("portal_celery_tasks_retried_total", retried)] == 1

    redis_server.stop()
    found = samples(scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))
    assert found[("portal_broker_up", frozenset())] == 0
    assert found[("portal_mails_pending", frozenset())] == 0


def test_counting_never_fails_a_task_when_the_broker_is_away(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    assert failing.apply(throw=False).failed()


def test_gunicorn_workers_are_added_up(tmp_path, redis_server):
    """Two gunicorn workers, each counting its own requests: a scrape, answered by either,
    counts them all (Prometheus' multiprocess mode, set up by gunicorn.conf.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn runs the bench settings: PostgreSQL")
    port = server.free_port()
    environment = {
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_server.url(0),
        "CACHE_URL": redis_server.url(1),
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    base = f"http://127.0.0.1:{port}"
    key = (
        "django_http_requests_latency_seconds_by_view_method_count",
        frozenset({"view": "healthz", "method": "GET"}.items()),
    )

    def healthz_count():
        scraped = requests.get(
            f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
        )
        assert scraped.status_code == 200
        return samples(scraped)[key]

    with server.running(port, 2, environment=environment, log="gunicorn-metrics.log"):
        before = healthz_count()
        # Side by side, so that both synchronous workers take some of them.
        with ThreadPoolExecutor(max_workers=6) as pool:
            answers = list(
                pool.map(lambda _: requests.get(f"{base}/healthz", timeout=10), range(60))
            )
        assert {answer.status_code for answer in answers} == {200}
        counts = [healthz_count() for _ in range(4)]

    assert counts == [before + 60] * 4
    assert len(list((tmp_path / "metrics").glob("histogram_*.db"))) == 2
