"""`make bench`, steps 2, 3 and 7: serve the seeded portal with gunicorn and the bench settings,
measure the bare baseline and each page at the same concurrency, write bench/results/latest.*.

Run with the project's interpreter, after `manage.py seed_bench`:
    DATABASE_URL=... CELERY_BROKER_URL=... .venv/bin/python bench/run.py [--quick]
"""

import argparse
import multiprocessing
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "clusters_portal.settings.bench"

import django  # noqa: E402

django.setup()

import load  # noqa: E402
import report  # noqa: E402
import server  # noqa: E402
import targets  # noqa: E402
from django.core.management import call_command  # noqa: E402
from sessions import login  # noqa: E402


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--quick", action="store_true", help="3 seconds per page")
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count() * 2 + 1)
    parser.add_argument("--pages", nargs="*", help="only these pages (names as in targets.py)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results")
    options = parser.parse_args()
    if options.quick:
        options.duration = 3
    return options


def measure_pages(base_url, pages, sessions, options):
    results = []
    for page in pages:
        session = sessions.get(page.account)
        check = (session or load.requests).get(
            f"{base_url}{page.path}", allow_redirects=False, timeout=120
        )
        row = {**page.describe(), "status": check.status_code, "bytes": len(check.content)}
        if check.status_code == 200:
            row |= load.measure(
                f"{base_url}{page.path}", session, options.concurrency, options.duration
            )
        print(f"{page.name}: {row}", flush=True)
        results.append(row)
    return results


def main():
    options = arguments()
    call_command("collectstatic", interactive=False, verbosity=0)
    people, pages = targets.seeded()
    if options.pages:
        pages = [page for page in pages if page.name in options.pages]
    port = server.free_port()
    base_url = f"http://127.0.0.1:{port}"
    process = server.start(port, options.workers)
    try:
        server.wait_healthy(base_url, process)
        sessions = {
            role: login(base_url, user, check_url=check_url)
            for role, (user, check_url) in people.items()
        }
        results = measure_pages(base_url, pages, sessions, options)
    finally:
        server.stop(process)
    report.write(options, results, output=options.output)


if __name__ == "__main__":
    main()
