"""/readyz: can this web node serve the whole portal now? django-health-check runs the checks
side by side; the answer names each one with its status and latency, and is 503 when a
required one fails.

What a check answers anonymously is its name, status, latency and the class of the error:
load balancers probe without credentials, and an error's message (host names, ports, paths)
is for the log, where django-health-check writes it.
"""

import asyncio
import contextlib
import dataclasses
import datetime
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.http import JsonResponse
from health_check.base import HealthCheck, HealthCheckResult
from health_check.checks import Cache, Database, Storage
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from kombu import Connection
from redis.asyncio import Redis as AsyncRedis

from . import antivirus

# Each check gives up after this long; they run side by side, so /readyz answers within about
# the longest of them plus one second (django-health-check's own margin).
CHECK_SECONDS = 2


def tasks_inline():
    """No broker, or tests: tasks run in the web process, there is no broker nor worker."""
    return not settings.CELERY_BROKER_URL or settings.CELERY_TASK_ALWAYS_EAGER


@dataclasses.dataclass
class DatabaseCheck(Database):
    name = "database"
    timeout = datetime.timedelta(seconds=CHECK_SECONDS)


@dataclasses.dataclass
class CacheCheck(Cache):
    """Sets and reads back a key; the portal's cache fails soft, so it answers a miss when
    Redis is down, and the check sees the miss."""

    name = "cache"
    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=CHECK_SECONDS), repr=False
    )


@dataclasses.dataclass
class StorageCheck(Storage):
    """Writes, reads back and deletes a small file in the default storage (uploads)."""

    name = "storage"
    timeout = datetime.timedelta(seconds=CHECK_SECONDS)


def _broker_client():
    return AsyncRedis.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=CHECK_SECONDS / 2,
        socket_timeout=CHECK_SECONDS / 2,
    )


@dataclasses.dataclass
class BrokerCheck(Redis):
    """PING to the broker's Redis."""

    name = "broker"
    timeout = datetime.timedelta(seconds=CHECK_SECONDS)
    client_factory: object = dataclasses.field(default=_broker_client, repr=False)

    @staticmethod
    def applies():
        return not tasks_inline()


@dataclasses.dataclass
class WorkerCheck(HealthCheck):
    """A Celery worker answers a ping through the broker within a second. A worker busy with a
    long task still answers: pings are handled apart from tasks."""

    name = "worker"
    timeout = datetime.timedelta(seconds=CHECK_SECONDS)

    @staticmethod
    def applies():
        return not tasks_inline()

    def run(self):
        from clusters_portal.celery import app

        # A connection of our own, with short timeouts: the app's would retry for seconds.
        connection = Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=CHECK_SECONDS / 2,
            transport_options={"max_retries": 0, "socket_timeout": CHECK_SECONDS / 2},
        )
        with connection:
            try:
                replies = app.control.ping(timeout=1.0, limit=1, connection=connection)
            except Exception as error:  # the broker is away: its own check says why
                raise ServiceUnavailable("Broker unreachable") from error
        if not replies:
            raise ServiceUnavailable("No Celery worker answered")


@dataclasses.dataclass
class ClamdCheck(HealthCheck):
    """clamd answers PING on its socket, when a socket is configured."""

    name = "clamd"
    timeout = datetime.timedelta(seconds=CHECK_SECONDS)

    @staticmethod
    def applies():
        return antivirus.antivirus_enabled()

    def run(self):
        if not antivirus.ping(timeout=CHECK_SECONDS):
            raise ServiceUnavailable("clamd did not answer PING")


# What a check that does not apply in this configuration answers.
NOT_APPLYING = {
    "broker": {"status": "ok", "mode": "inline"},
    "worker": {"status": "ok", "mode": "inline"},
    "clamd": {"status": "ok", "mode": "not configured"},
}
CHECKS = (DatabaseCheck, CacheCheck, BrokerCheck, StorageCheck, WorkerCheck, ClamdCheck)


def _applies(check):
    applies = getattr(check, "applies", None)
    return applies is None or applies()


def _error_class(error):
    """The class of what went wrong underneath (ConnectionError, OperationalError…)."""
    cause = error.__cause__ or error
    return type(cause).__name__


def outcome(result: HealthCheckResult, optional: set[str]) -> dict:
    entry = {
        "status": "ok" if result.error is None else "fail",
        "required": result.check.name not in optional,
        "latency_ms": round(result.time_taken * 1000, 1),
    }
    if result.error is not None:
        entry["error"] = _error_class(result.error)
    return entry


class ReadinessView(HealthCheckView):
    """JSON only, whatever the Accept header: load balancers and people read the same body."""

    checks = CHECKS

    @contextlib.contextmanager
    def get_executor(self):
        # A pool of its own, left without waiting: a check stuck past its timeout (a database
        # host that drops packets) must not hold the answer.
        executor = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="readyz")
        try:
            yield executor
        finally:
            executor.shutdown(wait=False, cancel_futures=True)

    async def get(self, request, *args, **kwargs):
        applying = [check for check in self.get_checks() if _applies(check)]
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in applying))
        optional = set(settings.READYZ_OPTIONAL_CHECKS)
        done = {result.check.name: outcome(result, optional) for result in results}
        checks = {check.name: done.get(check.name) or NOT_APPLYING[check.name] for check in CHECKS}
        ready = not any(c["status"] == "fail" and c["required"] for c in checks.values())
        return JsonResponse(
            {"status": "ok" if ready else "unavailable", "checks": checks},
            status=200 if ready else 503,
        )
