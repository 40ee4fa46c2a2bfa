"""What /metrics reads that is counted as it happens: request latency per view (web
processes), and the Celery tasks that failed or were retried (worker processes).

Task counters live in the broker's Redis (HINCRBY per task name), not in the worker's memory:
the worker is another process, often on another host, that /metrics cannot read, and every
worker and web node already shares that Redis. Prometheus' multiprocess files would only add
up the processes of one host.
"""

import logging
from functools import lru_cache

import prometheus_client
import redis
from celery.signals import task_failure, task_retry
from django.conf import settings
from django_prometheus.middleware import Metrics, PrometheusAfterMiddleware
from django_prometheus.utils import Time, TimeSince
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# The "_created" twin of every counter and histogram doubles what each scrape carries, for a
# timestamp Prometheus does not need to see a counter reset.
prometheus_client.disable_created_metrics()

FAILED_KEY = "portal:metrics:tasks_failed"
RETRIED_KEY = "portal:metrics:tasks_retried"
# Two of django-prometheus's eighteen metrics: the latency histogram per view and method, and
# responses per status, view and method. The rest cost a label lookup and a lock per request
# and answer nothing asked of this portal; Sentry reports the exceptions.
KEPT = {
    "django_http_requests_latency_seconds_by_view_method",
    "django_http_responses_total_by_status_view_method",
}


class _Unused:
    """Stands for a metric the middleware updates but the portal does not keep."""

    def labels(self, *args, **kwargs):
        return self

    def inc(self, amount=1):
        return None

    def observe(self, amount):
        return None


UNUSED = _Unused()


class PortalMetrics(Metrics):
    def register_metric(self, metric_cls, name, documentation, labelnames=(), **kwargs):
        if name not in KEPT:
            return UNUSED
        return super().register_metric(metric_cls, name, documentation, labelnames, **kwargs)


class ViewLatencyMiddleware(PrometheusAfterMiddleware):
    """django-prometheus's "after" middleware, placed near the top of MIDDLEWARE so that the
    latency of a view includes the middlewares it goes through (session, user, two factors);
    its "before" middleware would only add a latency with no view.

    Its hooks are narrowed to the two metrics kept: on every request they cost about 8 µs of
    CPU instead of 19 µs (docs/operations/monitoring.md)."""

    metrics_cls = PortalMetrics

    def process_request(self, request):
        request.prometheus_after_middleware_event = Time()

    def process_view(self, request, view_func, view_args, view_kwargs):
        return None

    def process_template_response(self, request, response):
        return response

    def process_response(self, request, response):
        view, method = self._get_view_name(request), self._method(request)
        self.metrics.responses_by_status_view_method.labels(
            status=str(response.status_code), view=view, method=method
        ).inc()
        started = getattr(request, "prometheus_after_middleware_event", None)
        if started is not None:
            self.metrics.requests_latency_by_view_method.labels(view=view, method=method).observe(
                TimeSince(started)
            )
        return response


# Task counters ------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _client(url):
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)


def broker_redis():
    """A client of the broker's Redis, or None when tasks run inline (no broker)."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    return _client(url)


def _count(key, task):
    client = broker_redis()
    if client is None or task is None:
        return
    try:
        client.hincrby(key, task.name, 1)
    except RedisError as error:
        # Counting must never fail the task's own handling; the broker is away anyway.
        logger.warning("Task %s not counted in %s: %s", task.name, key, error)


@task_failure.connect
def count_failure(sender=None, **kwargs):
    _count(FAILED_KEY, sender)


@task_retry.connect
def count_retry(sender=None, **kwargs):
    _count(RETRIED_KEY, sender)
