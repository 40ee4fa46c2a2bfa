"""/metrics in the Prometheus text format, for a scraper holding the token or inside an allowed
network; anyone else gets the portal's 404, as for an address that does not exist.

It lives in the project package, not in core: its gauges read the applications app, and it
knows the client's address as the login throttling does (accounts.throttling).
"""

import hmac
import ipaddress
import logging
import os
from functools import lru_cache

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from redis.exceptions import RedisError

from accounts.throttling import client_ip
from applications.choices import ScanStatus
from applications.models import DossierDocument
from applications.selectors import receipts_awaiting_pdf
from core.metrics import FAILED_KEY, RETRIED_KEY, broker_redis
from core.models import MailStatus, OutgoingMail

logger = logging.getLogger(__name__)

# kombu's Redis transport keeps a queue's messages of priority 3, 6 and 9 in lists of their own.
PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


@lru_cache(maxsize=8)
def _networks(configured):
    return tuple(ipaddress.ip_network(network, strict=False) for network in configured)


def _bearer_token(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def scraper_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token and hmac.compare_digest(_bearer_token(request).encode(), token.encode()):
        return True
    networks = _networks(tuple(settings.METRICS_ALLOWED_NETWORKS))
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(client_ip(request) or "")
    except ValueError:
        return False
    return any(address in network for network in networks)


class ThisProcess:
    """The default registry's metrics, when there is one process (runserver, tests)."""

    def collect(self):
        return REGISTRY.collect()


class PortalCollector:
    """Gauges read at scrape time, one query each."""

    def collect(self):
        try:
            families = list(database_metrics())
        except DatabaseError as error:
            # The request metrics are wanted most while the database is away: serve them.
            logger.warning("Database metrics not read: %s", error)
            families = []
        yield from families
        yield from broker_metrics()


def database_metrics():
    yield GaugeMetricFamily(
        "portal_mails_pending",
        "E-mails recorded but not sent yet (waiting for a worker or a retry).",
        value=OutgoingMail.objects.filter(status=MailStatus.PENDING).count(),
    )
    documents = GaugeMetricFamily(
        "portal_documents_awaiting_scan",
        "Dossier files without an antivirus verdict, by scan status.",
        labels=["status"],
    )
    waiting = dict.fromkeys((ScanStatus.PENDING.value, ScanStatus.ERROR.value), 0)
    rows = (
        DossierDocument.objects.filter(scan_status__in=waiting)
        .values_list("scan_status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    waiting.update(rows)
    for status, count in waiting.items():
        documents.add_metric([status], count)
    yield documents
    yield GaugeMetricFamily(
        "portal_receipts_pending",
        "Submission receipts whose PDF is not made yet.",
        value=receipts_awaiting_pdf().count(),
    )


def broker_metrics():
    from clusters_portal.celery import app

    client = broker_redis()
    if client is None:
        return
    queues = sorted(app.amqp.queues)
    pipe = client.pipeline(transaction=False)
    for queue in queues:
        for suffix in PRIORITY_SUFFIXES:
            pipe.llen(queue + suffix)
    pipe.hlen("unacked")
    pipe.hgetall(FAILED_KEY)
    pipe.hgetall(RETRIED_KEY)
    up = GaugeMetricFamily("portal_broker_up", "1 when the broker's Redis answered this scrape.")
    try:
        *lengths, unacked, failed, retried = pipe.execute()
    except RedisError as error:
        logger.warning("Broker metrics not read: %s", error)
        up.add_metric([], 0)
        yield up
        return
    up.add_metric([], 1)
    yield up
    waiting = GaugeMetricFamily(
        "portal_celery_queue_length", "Tasks waiting in a Celery queue.", labels=["queue"]
    )
    step = len(PRIORITY_SUFFIXES)
    for index, queue in enumerate(queues):
        waiting.add_metric([queue], sum(lengths[index * step : (index + 1) * step]))
    yield waiting
    yield GaugeMetricFamily(
        "portal_celery_tasks_unacked",
        "Tasks taken by a worker and not finished: running, prefetched or waiting for a "
        "retry's countdown.",
        value=unacked,
    )
    yield _task_counter("portal_celery_tasks_failed", "Tasks that failed, by task.", failed)
    yield _task_counter("portal_celery_tasks_retried", "Task retries scheduled, by task.", retried)


def _task_counter(name, documentation, counts):
    counter = CounterMetricFamily(name, documentation, labels=["task"])
    for task, count in sorted(counts.items()):
        counter.add_metric([task.decode()], int(count))
    return counter


def registry_for_scrape():
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # gunicorn: every worker process writes its counters to files in that folder.
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(ThisProcess())
    registry.register(PortalCollector())
    return registry


@never_cache
def metrics(request):
    if not scraper_allowed(request):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return HttpResponse(generate_latest(registry_for_scrape()), content_type=CONTENT_TYPE_LATEST)
