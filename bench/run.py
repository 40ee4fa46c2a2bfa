"""`make bench`: the seeded portal served as in production (gunicorn, PostgreSQL, Redis, a
Celery worker), each page measured cold (every portal cache bypassed) and warm (as shipped)
beside a bare Django view and a trivial signed-in page at the same concurrency; a realistic
mix of 200+ signed-in people with Locust; the queries per page at 10 and 1,000 rows; the
deadline rushes; the PDFs; results in bench/results/.

Run with the project's interpreter, after `manage.py seed_bench` on both databases:
    DATABASE_URL=... CELERY_BROKER_URL=... CACHE_URL=... BENCH_SMALL_DATABASE_URL=... \\
        .venv/bin/python bench/run.py [--duration 10 --mix-duration 75 | --quick]
"""

import argparse
import json
import multiprocessing
import os
import socket
import subprocess  # nosec B404
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "clusters_portal.settings.bench"

import django  # noqa: E402

django.setup()

import load  # noqa: E402
import mix  # noqa: E402
import pdfs  # noqa: E402
import queries  # noqa: E402
import report  # noqa: E402
import rush  # noqa: E402
import server  # noqa: E402
import targets  # noqa: E402
import worker  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from sessions import login  # noqa: E402

from applications.models import Receipt  # noqa: E402
from bench.data.rush import RUSH_REFERENCE, rush_count  # noqa: E402

RECEIPTS_TIMEOUT = 300
# Measured once, in the cold run: the bare view and the trivial signed-in page.
FLOORS = ("baseline", "floor")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page and mode")
    parser.add_argument(
        "--mix-duration", type=int, default=75, help="seconds of the realistic mix, all started"
    )
    parser.add_argument(
        "--quick", action="store_true", help="3 seconds per page, 20 seconds of mix"
    )
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count() * 2 + 1)
    parser.add_argument("--pages", nargs="*", help="only these pages (names as in targets.py)")
    parser.add_argument(
        "--rush-spread",
        type=float,
        default=45.0,
        help="seconds over which the rush's directors start (all submit within the minute)",
    )
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["queries", "mix", "rush", "rush-double", "pdfs"],
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results")
    options = parser.parse_args()
    if options.quick:
        options.duration, options.mix_duration = 3, 20
    return options


def _say(message):
    print(f"bench: {message}", flush=True)


def _measure_page(base_url, page, sessions, options, mode=None):
    session = sessions.get(page.account)
    # Also the request that fills a warm page's cache before it is measured.
    check = (session or load.requests).get(
        f"{base_url}{page.path}", allow_redirects=False, timeout=120
    )
    row = {**page.describe(), "mode": mode, "status": check.status_code}
    row["bytes"] = len(check.content)
    if check.status_code == 200:
        row |= load.measure(
            f"{base_url}{page.path}", session, options.concurrency, options.duration
        )
    _say(f"{page.name} {mode or ''}: {row.get('rps')} req/s, p95 {row.get('p95_ms')} ms")
    return row


def measure_pages(base_url, pages, sessions, options, *, cold):
    """Cold (gunicorn started with PORTAL_CACHE=off): the two floors, then every page. Warm
    (as shipped): every page, then the bare view again."""
    floors = [page for page in pages if page.target in FLOORS]
    measured = [page for page in pages if page.target not in FLOORS]
    mode = "cold" if cold else "warm"
    results = [_measure_page(base_url, page, sessions, options) for page in floors if cold]
    results += [_measure_page(base_url, page, sessions, options, mode) for page in measured]
    baseline = next((page for page in floors if page.target == "baseline"), None)
    if baseline is not None and measured and not cold:
        # The bare view varies from run to run (1,290 to 1,650 req/s on this machine): it is
        # measured again last, and the report compares the pages with the higher one.
        again = replace(baseline, name="baseline_again", title="Bare Django view, last")
        results.append(_measure_page(base_url, again, sessions, options))
    return results


def count_queries():
    """Step 6: the same pages on the full data set, here, and on the small one, in a process
    of its own (its database, and a cache database of its own)."""
    small = os.environ.get("BENCH_SMALL_DATABASE_URL")
    counted = {"large": {"rows": targets.data_set()["dossiers"], "queries": queries.count()}}
    if small:
        environment = {
            **os.environ,
            "DATABASE_URL": small,
            "CELERY_BROKER_URL": os.environ.get("BENCH_SMALL_BROKER_URL", ""),
            "CACHE_URL": os.environ.get("BENCH_SMALL_CACHE_URL", ""),
            "MEDIA_ROOT": str(ROOT / "var" / "bench" / "media-small"),
        }
        output = subprocess.run(  # noqa: S603 -- our own script  # nosec B603
            [sys.executable, str(Path(__file__).with_name("queries.py"))],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        counted["small"] = json.loads(output.strip().splitlines()[-1])
    return counted


def receipts_wait(since, submitted_since):
    """The rush's receipts, rendered by the worker; seconds until the last one is there."""
    receipts = Receipt.objects.filter(
        dossier__call__reference=RUSH_REFERENCE, submitted_at__gte=submitted_since
    )
    pending = receipts.filter(pdf="")
    deadline = time.monotonic() + RECEIPTS_TIMEOUT
    while pending.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    return {
        "receipts": receipts.count(),
        "not_rendered": pending.count(),
        "seconds_after_rush_start": round(time.perf_counter() - since, 1),
    }


def rushes(base_url, options, **pids):
    """The rush of issue 14's target (300 directors at full scale), then twice as many, on
    drafts of their own; each waits for its receipts before the next begins."""
    first = rush_count(targets.data_set()["scale"])
    runs = {"rush": first, "rush_double": 2 * first}
    if "rush-double" in options.skip:
        del runs["rush_double"]
    results = {}
    for name, count in runs.items():
        _say(f"deadline rush, {count} directors starting over {options.rush_spread:g} s")
        started, submitted_since = time.perf_counter(), timezone.now()
        try:
            results[name] = rush.run(base_url, count=count, spread=options.rush_spread, **pids)
        except rush.RushNotReady as error:
            _say(f"rush of {count} not run: {error}")
            results[name] = {"clients": count, "not_run": str(error)}
            continue
        results[name]["receipts"] = receipts_wait(started, submitted_since)
        _say(f"rush: {results[name]['successes']} of {count} submitted")
    return results


def serve_and_measure(options, people, pages):
    """A Celery worker up; gunicorn with every portal cache bypassed for the cold pages, then
    as shipped for the warm pages, the realistic mix and the rushes."""
    results = {}
    port = server.free_port()
    base_url = f"http://127.0.0.1:{port}"
    name = f"bench-{os.getpid()}@{socket.gethostname()}"
    # On the same two cores as gunicorn, as one host in production would be (README).
    celery = worker.start(name, multiprocessing.cpu_count(), log="celery.log", niceness=19)
    try:
        worker.wait_ready(name, celery)
        cold = {"environment": {"PORTAL_CACHE": "off"}, "log": "gunicorn-cold.log"}
        with server.running(port, options.workers, **cold):
            # Signed in once: a TOTP code is accepted once per time step, and the sessions
            # outlive the restart (they are in PostgreSQL and Redis).
            sessions = {
                role: login(base_url, user, check_url=check_url)
                for role, (user, check_url) in people.items()
            }
            results["pages"] = measure_pages(base_url, pages, sessions, options, cold=True)
        with server.running(port, options.workers) as process:
            results["pages"] += measure_pages(base_url, pages, sessions, options, cold=False)
            if "mix" not in options.skip:
                _say(f"realistic mix, {options.mix_duration} s with Locust")
                results["mix"] = mix.run(base_url, seconds=options.mix_duration)
                _say(f"mix: {results['mix']['rps']} req/s, {results['mix']['failures']} errors")
            if "rush" not in options.skip:
                results |= rushes(base_url, options, server_pid=process.pid, worker_pid=celery.pid)
    finally:
        worker.stop(celery)
    return results


def main():
    options = arguments()
    started = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0)
    # Pages cached by an earlier run describe data the seed has since replaced.
    cache.clear()
    people, pages = targets.seeded()
    if options.pages:
        pages = [page for page in pages if page.name in options.pages]
    results = {}
    if "queries" not in options.skip:
        _say("queries per page at 10 and 1,000 rows")
        results["queries"] = count_queries()
        cache.clear()
    results |= serve_and_measure(options, people, pages)
    if "pdfs" not in options.skip:
        _say("PDFs: receipt and contract against the WeasyPrint floor, 100 through Celery")
        results["pdfs"] = pdfs.run()
    results["seconds"] = round(time.perf_counter() - started, 1)
    report.write(options, results, output=options.output)
    _say(f"done in {results['seconds']} s: {options.output / 'latest.md'}")


if __name__ == "__main__":
    main()
