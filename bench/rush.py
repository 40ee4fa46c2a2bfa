"""`make bench`, step 4: the deadline rush. Directors of the open call `aap-bench-rush` (seeded
by `seed_bench`, see bench/data/rush.py), signed in beforehand, are released at one instant;
each uploads its three files of 2 MB through the dossier's upload forms as the browser sends
them (by htmx, answered with the document's card), opens the check-your-answers page, submits
and opens the confirmation. Then the database is checked: every dossier submitted, every file
stored, and the stored bytes hash to the SHA-256 of the row and to the SHA-256 of what the
client sent.

`run(base_url)` expects a running gunicorn on the bench database and Django set up with the
same settings; alone, for development (it starts and stops gunicorn itself):
    DATABASE_URL=... CELERY_BROKER_URL=... CACHE_URL=... .venv/bin/python bench/rush.py [--count 15]
"""

import argparse
import hashlib
import json
import multiprocessing
import os
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "clusters_portal.settings.bench"
    import django

    django.setup()

import cpu  # noqa: E402
import requests  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.urls import reverse  # noqa: E402
from sessions import session_of  # noqa: E402

from applications.choices import DocumentPart  # noqa: E402
from applications.models import Call, Dossier, DossierStatus  # noqa: E402
from bench.data.rush import RUSH_REFERENCE, padded_pdf  # noqa: E402

MB = 1024 * 1024
ONE_MINUTE = 60.0
# A request queued behind 300 others on 2 cores may wait long; it still counts, late.
TIMEOUT = 180
FORM_ERROR = re.compile(r'class="invalid-feedback"[^>]*>([^<]+)<')


class RushNotReady(RuntimeError):
    """The database holds fewer drafts of the rush's call than clients asked for."""


@dataclass
class Client:
    """One director's rush: what it sends, and what the portal answered."""

    dossier: Dossier
    files: list  # [(requirement, name, bytes, sha256)]
    session: requests.Session | None = None
    timings: list = field(default_factory=list)  # [(step, seconds, status)]
    errors: list = field(default_factory=list)
    submitted: bool = False
    seconds: float = 0.0
    submitted_after: float | None = None


class StepFailed(Exception):
    pass


def _drafts(count):
    call = Call.objects.get(reference=RUSH_REFERENCE)
    drafts = list(
        Dossier.objects.filter(call=call, status=DossierStatus.DRAFT)
        .select_related("cluster__owner")
        .order_by("reference")[:count]
    )
    if not drafts or (count is not None and len(drafts) < count):
        raise RushNotReady(
            f"{len(drafts)} drafts of {RUSH_REFERENCE} left for {count} clients: "
            "reseed with `manage.py seed_bench --reset`."
        )
    return drafts, list(call.required_documents.all())


def _hex_filler():
    """Random hexadecimal text: one shared block behind a random prefix per file, so every
    file has its own SHA-256 without generating 600 MB of randomness."""
    shared = os.urandom(MB).hex().encode()

    def fill(n):
        prefix = os.urandom(32).hex().encode()
        return (prefix + shared * (n // len(shared) + 1))[:n]

    return fill


def _prepare(drafts, requirements, size):
    fill = _hex_filler()
    clients = []
    for dossier in drafts:
        files = []
        for requirement in requirements:
            content = padded_pdf(size, fill)
            name = f"{dossier.reference.lower()}-piece-{requirement.position + 1}.pdf"
            files.append((requirement, name, content, hashlib.sha256(content).hexdigest()))
        clients.append(Client(dossier=dossier, files=files))
    return clients


def _login_all(base_url, clients):
    """Every client signed in, and shown to reach its dossier, before the clock starts."""
    started = time.perf_counter()
    for client in clients:
        client.session = session_of(client.dossier.cluster.owner)
    check = clients[0].session.get(
        base_url + reverse("applications:dossier_detail", args=[clients[0].dossier.pk]),
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    if check.status_code != 200:
        raise RushNotReady(f"a signed-in director's dossier answered {check.status_code}")
    return time.perf_counter() - started


def _timed(client, step, method, url, expect, **kwargs):
    started = time.perf_counter()
    try:
        response = client.session.request(
            method, url, allow_redirects=False, timeout=TIMEOUT, **kwargs
        )
    except requests.RequestException as error:
        client.timings.append((step, time.perf_counter() - started, None))
        raise StepFailed(f"{step}: {type(error).__name__}") from error
    client.timings.append((step, time.perf_counter() - started, response.status_code))
    if response.status_code != expect:
        refused = FORM_ERROR.search(response.text)
        reason = f" ({refused.group(1).strip()})" if refused else ""
        raise StepFailed(f"{step}: HTTP {response.status_code}{reason}")
    return response


def _post_form(client, step, url, data, expect=302, files=None, headers=None):
    data = {**data, "csrfmiddlewaretoken": client.session.cookies.get("csrftoken", "")}
    headers = {"Referer": url, **(headers or {})}
    return _timed(client, step, "POST", url, expect, data=data, files=files, headers=headers)


def _follow(client, step, base_url, response):
    """GET where a form's redirect points, as the browser does after each POST."""
    return _timed(client, step, "GET", base_url + response.headers["Location"], 200)


def _upload(client, base_url, requirement, name, content):
    """As the browser sends it from the section page: by htmx, answered with the document's
    card; a refusal comes back as the whole section, retargeted."""
    url = base_url + reverse(
        "applications:document_upload", args=[client.dossier.pk, requirement.pk]
    )
    section = base_url + reverse(
        "applications:dossier_section", args=[client.dossier.pk, _section_slug(requirement)]
    )
    headers = {"HX-Request": "true", "HX-Current-URL": section, "Referer": section}
    sent = {"file": (name, content, "application/pdf")}
    answer = _post_form(client, "upload", url, {}, expect=200, files=sent, headers=headers)
    if "HX-Retarget" in answer.headers or f'id="piece-{requirement.pk}"' not in answer.text:
        refused = FORM_ERROR.search(answer.text)
        raise StepFailed(f"upload: refused ({refused.group(1).strip() if refused else '?'})")


def _section_slug(requirement):
    return (
        "pieces-administratives"
        if requirement.part == DocumentPart.ADMINISTRATIVE
        else "pieces-techniques"
    )


def _upload_and_submit(base_url, client, started_at):
    pk = client.dossier.pk
    for requirement, name, content, _sha256 in client.files:
        _upload(client, base_url, requirement, name, content)
    review = base_url + reverse("applications:dossier_review", args=[pk])
    _timed(client, "review", "GET", review, 200)
    answer = _post_form(client, "submit", review, {"declaration": "on"})
    # The address may carry a message's token (core/flash.py): the page is its path.
    if not urlsplit(answer.headers["Location"]).path.endswith(f"/dossiers/{pk}/confirmation/"):
        raise StepFailed(f"submit: sent to {answer.headers['Location']}")
    client.submitted_after = time.perf_counter() - started_at
    _follow(client, "confirmation", base_url, answer)


def _client_thread(base_url, client, barrier, delay, started_at):
    barrier.wait()
    time.sleep(delay)
    began = time.perf_counter()
    try:
        _upload_and_submit(base_url, client, started_at[0])
        client.submitted = True
    except StepFailed as error:
        client.errors.append(str(error))
    except Exception as error:  # a bug of the load generator counts as that client's error
        client.errors.append(f"client: {type(error).__name__}: {error}")
    client.seconds = time.perf_counter() - began


def _rush(base_url, clients, spread):
    """Release every client at one instant (or evenly over `spread` seconds); wall time."""
    barrier = threading.Barrier(len(clients) + 1)
    started_at = [0.0]
    threads = [
        threading.Thread(
            target=_client_thread,
            args=(base_url, client, barrier, spread * n / len(clients), started_at),
        )
        for n, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    started_at[0] = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started_at[0]


def _percentiles(seconds):
    ordered = sorted(seconds)
    if not ordered:
        return {"count": 0}

    def at(share):
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 1)

    return {
        "count": len(ordered),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def _latencies(clients):
    timings = [timing for client in clients for timing in client.timings]
    steps = {}
    for step, seconds, _status in timings:
        steps.setdefault(step, []).append(seconds)
    return {
        "requests": _percentiles([seconds for _step, seconds, _status in timings]),
        "by_step": {step: _percentiles(values) for step, values in steps.items()},
        "client": _percentiles([client.seconds for client in clients]),
    }


def _errors(clients):
    errors = [error for client in clients for error in client.errors]
    kinds = {}
    for error in errors:
        kinds[error.split(":")[0]] = kinds.get(error.split(":")[0], 0) + 1
    return {"errors": len(errors), "errors_by_step": kinds, "error_samples": errors[:10]}


def _stored_sha256(name):
    """The SHA-256 of the stored bytes; None when the file is not there (it then matches
    nothing, and the run is not verified)."""
    digest = hashlib.sha256()
    try:
        with default_storage.open(name, "rb") as handle:
            while chunk := handle.read(MB):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def verify(clients):
    """What the database says afterwards, from its rows and the stored bytes."""
    sent = {
        (client.dossier.pk, requirement.pk): sha256
        for client in clients
        for requirement, _name, _content, sha256 in client.files
    }
    dossiers = Dossier.objects.filter(pk__in=[c.dossier.pk for c in clients]).prefetch_related(
        "documents", "receipts"
    )
    figures = dict.fromkeys(
        ["submitted", "files", "files_match_row", "files_match_sent", "receipts"], 0
    )
    figures |= {"receipts_listing_every_file": 0, "receipts_rendered": 0}
    for dossier in dossiers:
        figures["submitted"] += dossier.status == DossierStatus.SUBMITTED
        for document in dossier.documents.all():
            stored = _stored_sha256(document.file.name)
            figures["files"] += 1
            figures["files_match_row"] += stored == document.sha256
            figures["files_match_sent"] += stored == sent.get((dossier.pk, document.requirement_id))
        _count_receipts(figures, dossier)
    expected = len(clients)
    figures["expected_dossiers"], figures["expected_files"] = expected, len(sent)
    figures["all_verified"] = (
        figures["submitted"] == expected
        and figures["files_match_row"] == figures["files_match_sent"] == len(sent)
        and figures["receipts_listing_every_file"] == expected
    )
    return figures


def _count_receipts(figures, dossier):
    receipts = dossier.receipts.all()
    hashes = {document.sha256 for document in dossier.documents.all()}
    figures["receipts"] += len(receipts)
    figures["receipts_listing_every_file"] += any(
        {entry["sha256"] for entry in receipt.files} == hashes for receipt in receipts
    )
    # Rendered only by a Celery worker: without one, the receipts wait in the broker.
    figures["receipts_rendered"] += any(receipt.pdf for receipt in receipts)


def _say(message):
    print(f"rush: {message}", file=sys.stderr, flush=True)


def _cpu_used(server_pid, worker_pid, before=None):
    """CPU-seconds of gunicorn (master and workers), of the Celery worker, and of the whole
    machine (load generator and PostgreSQL included); the difference with `before` if given."""
    now = {
        "gunicorn": cpu.tree_seconds(server_pid) if server_pid else None,
        "worker": cpu.tree_seconds(worker_pid) if worker_pid else None,
        "machine": cpu.machine_seconds(),
    }
    if before is None:
        return now
    return {
        name: None if value is None else round(value - before[name], 2)
        for name, value in now.items()
    }


def run(base_url, *, count=None, file_mb=2, spread=0.0, server_pid=None, worker_pid=None):
    """Sign in, rush, verify; a JSON-serialisable dict of the figures.

    `count` clients (every draft of the rush's call when None), each sending as many files of
    `file_mb` MB as the call requires (3), released over `spread` seconds (0: all at once).
    With gunicorn's master pid, the CPU its workers spent during the rush, per director."""
    drafts, requirements = _drafts(count)
    clients = _prepare(drafts, requirements, int(file_mb * MB))
    _say(f"{len(clients)} clients, {len(clients) * len(requirements)} files ready; signing in")
    login_seconds = _login_all(base_url, clients)
    _say(f"signed in in {login_seconds:.1f} s; rush")
    cpu_before = _cpu_used(server_pid, worker_pid)
    wall = _rush(base_url, clients, spread)
    used = _cpu_used(server_pid, worker_pid, before=cpu_before)
    if used["gunicorn"] is not None:
        used["gunicorn_per_director"] = round(used["gunicorn"] / len(clients), 3)
    _say(f"rush over in {wall:.1f} s, CPU {used}; checking the database")
    last_submit = max((c.submitted_after for c in clients if c.submitted), default=None)
    verify_started = time.perf_counter()
    database = verify(clients)
    return {
        "clients": len(clients),
        "files_per_client": len(requirements),
        "file_bytes": int(file_mb * MB),
        "spread_seconds": spread,
        "login_seconds": round(login_seconds, 2),
        "wall_seconds": round(wall, 2),
        "last_submission_seconds": round(last_submit, 2) if last_submit else None,
        "within_one_minute": wall <= ONE_MINUTE,
        "cpu_seconds": used,
        "successes": sum(client.submitted for client in clients),
        **_errors(clients),
        **_latencies(clients),
        "database": database,
        "verify_seconds": round(time.perf_counter() - verify_started, 2),
    }


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, help="clients (default: every draft of the call)")
    parser.add_argument("--file-mb", type=float, default=2)
    parser.add_argument("--spread", type=float, default=0.0, help="seconds to release them over")
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count() * 2 + 1)
    parser.add_argument("--output", type=Path, help="also write the figures to this JSON file")
    return parser.parse_args()


def main():
    import server
    from django.core.management import call_command

    options = arguments()
    call_command("collectstatic", interactive=False, verbosity=0)
    port = server.free_port()
    base_url = f"http://127.0.0.1:{port}"
    process = server.start(port, options.workers)
    try:
        server.wait_healthy(base_url, process)
        figures = run(
            base_url,
            count=options.count,
            file_mb=options.file_mb,
            spread=options.spread,
            server_pid=process.pid,
        )
    finally:
        server.stop(process)
    text = json.dumps(figures, indent=2)
    print(text)
    if options.output:
        options.output.write_text(text + "\n")


if __name__ == "__main__":
    main()
