"""`make bench`, step 5: the receipt and contract PDFs through the portal's services (median of
10), beside WeasyPrint alone on the same HTML (the floor); then 100 contract versions rendered
by a real Celery worker.

Run alone with the project's interpreter, against a seeded benchmark database:
    DATABASE_URL=... CELERY_BROKER_URL=... CACHE_URL=... .venv/bin/python bench/pdfs.py
"""

import json
import logging
import os
import socket
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import worker

ROOT = Path(__file__).resolve().parent.parent
RUNS = 10
WORKER_CONTRACTS = 100
# The targets.
CONTRACT_FLOOR_RATIO = 1.5
WORKER_SECONDS = 60
WORKER_TIMEOUT = 600


def elapsed_ms(function):
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def medians_ms(*functions, runs=RUNS):
    """Each function's median, run in turn so that a neighbour's load falls on all alike."""
    timings = [[] for _ in functions]
    for _ in range(runs):
        for function, timing in zip(functions, timings, strict=True):
            timing.append(elapsed_ms(function))
    return [round(statistics.median(timing), 1) for timing in timings]


@contextmanager
def weasyprint_calls():
    """Record the arguments the portal gives WeasyPrint: the floor then renders exactly that
    HTML with that base URL, not a copy of the service's template code."""
    import weasyprint

    calls, real = [], weasyprint.HTML

    def recording(*args, **kwargs):
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    with mock.patch.object(weasyprint, "HTML", recording):
        yield calls


@contextmanager
def weasyprint_skipped(content):
    """WeasyPrint answers at once with `content`: what remains of the service is its own cost."""
    import weasyprint

    with mock.patch.object(weasyprint, "HTML") as html:
        html.return_value.write_pdf.return_value = content
        yield


@contextmanager
def weasyprint_quiet():
    """WeasyPrint logs each step of each rendering, and the same ignored CSS property each
    time: hundreds of lines that would bury the bench's own output."""
    loggers = [logging.getLogger(name) for name in ("weasyprint", "weasyprint.progress")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def compare(service, runs=RUNS):
    """Median of the portal's service and of WeasyPrint alone on the HTML it prepared."""
    import weasyprint

    # The first call also loads fonts and Pango, which a running worker has done long before.
    with weasyprint_calls() as calls:
        service()
    ((args, kwargs),) = calls
    document = weasyprint.HTML(*args, **kwargs).render()
    service_ms, floor_ms = medians_ms(
        service, lambda: weasyprint.HTML(*args, **kwargs).write_pdf(), runs=runs
    )
    with weasyprint_skipped(document.write_pdf()):
        (own_ms,) = medians_ms(service, runs=runs)
    return {
        "service_ms": service_ms,
        "floor_ms": floor_ms,
        "ratio": round(service_ms / floor_ms, 2),
        "service_without_weasyprint_ms": own_ms,
        "pages": len(document.pages),
        "html_bytes": len(kwargs["string"].encode()),
        "runs": runs,
    }


def receipt_timing():
    """The receipt task's rendering step (`receipt_pdf_render`: its reads, the template,
    WeasyPrint, saving the file); the e-mail the task then queues is not timed."""
    from django.core.files.storage import default_storage

    from applications.models import Receipt
    from applications.services.receipts import receipt_pdf_render

    receipt = Receipt.objects.filter(pdf="").order_by("pk").first()
    result = compare(lambda: receipt_pdf_render(receipt_id=receipt.pk))
    # The seed renders no receipt: leave this one without its PDF again.
    default_storage.delete(Receipt.objects.get(pk=receipt.pk).pdf.name)
    Receipt.objects.filter(pk=receipt.pk).update(pdf="")
    return {"receipt": receipt.number, "saves_file": True, **result}


def new_versions(contracts):
    """A version row for each contract, as `version_request` writes it. That service refuses
    contracts in force (only drafts get new versions), and the seed's are all in force."""
    from django.db.models import Max

    from contracts.models import ContractVersion

    last = dict(
        ContractVersion.objects.filter(contract__in=contracts)
        .values_list("contract")
        .annotate(last=Max("number"))
    )
    return ContractVersion.objects.bulk_create(
        ContractVersion(
            contract=contract,
            number=last.get(contract.pk, 0) + 1,
            language="fr",
            requested_by_id=contract.created_by_id,
        )
        for contract in contracts
    )


def contract_timing():
    """`version_pdf_render`, what the task `contract_version_render` runs: its reads, the
    template, WeasyPrint, saving the file (each run replaces the previous one)."""
    from contracts.models import Contract
    from contracts.services.lifecycle import version_pdf_render

    contract = Contract.objects.order_by("pk").first()
    (version,) = new_versions([contract])
    result = compare(lambda: version_pdf_render(version_id=version.pk))
    return {
        "contract": contract.reference,
        "saves_file": True,
        **result,
        "target_ratio": CONTRACT_FLOOR_RATIO,
        "meets_target": result["ratio"] <= CONTRACT_FLOOR_RATIO,
    }


def task_queue(task):
    from clusters_portal.celery import app

    return app.amqp.router.route({}, task.name)["queue"].name


def wait_rendered(versions, process):
    from contracts.models import ContractVersion

    pending = ContractVersion.objects.filter(pk__in=[v.pk for v in versions], pdf="")
    deadline = time.monotonic() + WORKER_TIMEOUT
    while pending.exists():
        if process.poll() is not None:
            raise RuntimeError("the Celery worker exited; see its log in var/bench/")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{pending.count()} versions not rendered in {WORKER_TIMEOUT} s")
        time.sleep(0.1)


def not_pdfs(versions):
    """The versions whose stored file is empty or does not start like a PDF."""
    from contracts.models import ContractVersion

    wrong = []
    for version in ContractVersion.objects.filter(pk__in=[v.pk for v in versions]):
        with version.pdf.open("rb") as handle:
            if handle.read(5) != b"%PDF-":
                wrong.append(version.pk)
    return wrong


def render_through_worker(versions, process):
    from contracts.tasks import contract_version_render

    start = time.perf_counter()
    for version in versions:
        contract_version_render.delay(version.pk)
    wait_rendered(versions, process)
    return time.perf_counter() - start


def worker_timing(count=WORKER_CONTRACTS, concurrency=None):
    """`count` contract versions queued to a real prefork worker, from the first enqueue until
    every file is recorded; the time includes each child's first WeasyPrint import."""
    from django.conf import settings

    from contracts.models import Contract
    from contracts.tasks import contract_version_render

    if settings.CELERY_TASK_ALWAYS_EAGER:
        raise RuntimeError("No broker: set CELERY_BROKER_URL for the worker measurement.")
    concurrency = concurrency or os.cpu_count()
    versions = new_versions(list(Contract.objects.order_by("pk")[:count]))
    queue = task_queue(contract_version_render)
    name = f"bench-pdfs-{os.getpid()}@{socket.gethostname()}"
    process = worker.start(name, concurrency, log="celery-pdfs.log", queue=queue)
    try:
        worker.wait_ready(name, process)
        seconds = render_through_worker(versions, process)
    finally:
        worker.stop(process)
    wrong = not_pdfs(versions)
    return {
        "contracts": len(versions),
        "concurrency": concurrency,
        "queue": queue,
        "seconds": round(seconds, 1),
        "mean_ms": round(seconds * 1000 / len(versions), 1),
        "not_pdf": wrong,
        "target_seconds": WORKER_SECONDS,
        "meets_target": len(versions) == count and not wrong and seconds < WORKER_SECONDS,
    }


def run():
    """Step 5's figures: {"receipt": …, "contract": …, "worker": …}."""
    with weasyprint_quiet():
        results = {"receipt": receipt_timing(), "contract": contract_timing()}
    results["worker"] = worker_timing()
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "clusters_portal.settings.bench"
    import django

    django.setup()
    print(json.dumps(run(), indent=2))
