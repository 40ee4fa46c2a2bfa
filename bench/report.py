"""bench/results/latest.json and latest.md: the figures, the machine, and each page against
the issue's target."""

import json
import os
import platform
import shutil
import subprocess  # nosec B404
from datetime import UTC, datetime
from pathlib import Path

import django
from django.db import connection
from targets import TARGETS, data_set

NOT_MEASURED = [
    "Queries per page at 10 and at 1,000 rows (step 6).",
    "Deadline rush: 300 directors submitting 3 files of 2 MB within a minute (step 4).",
    "Receipt and contract PDFs against the WeasyPrint floor; 100 contracts through Celery "
    "(step 5).",
    "A Celery worker is not started: none of the pages measured here queues a task.",
]


def _proc_value(path, key):
    for line in Path(path).read_text().splitlines():
        if line.startswith(key):
            return line.split(":", 1)[1].strip()
    return None


def machine():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgresql = cursor.fetchone()[0]
    kilobytes = int(_proc_value("/proc/meminfo", "MemTotal").split()[0])
    git = [shutil.which("git") or "git", "describe", "--always", "--dirty"]
    described = subprocess.run(git, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    commit = described.stdout.strip()
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _proc_value("/proc/cpuinfo", "model name"),
        "ram_gib": round(kilobytes / 1024 / 1024, 1),
        "load_average_at_end": Path("/proc/loadavg").read_text().split()[:3],
        "postgresql": postgresql,
        "python": platform.python_version(),
        "django": django.get_version(),
        "git_commit": commit,
    }


def _verdict(row, baseline_rps):
    target = TARGETS[row["target"]]
    if "rps" not in row:
        return None, "not served (status {})".format(row["status"])
    share = round(100 * row["rps"] / baseline_rps, 2) if baseline_rps else None
    if target is None:
        return share, "—"
    met = share is not None and share >= target["min_share"] and row["errors"] == 0
    if target["max_p95_ms"] is not None:
        met = met and row["p95_ms"] < target["max_p95_ms"]
    return share, "met" if met else "missed"


def write(options, results, *, output):
    baseline = next((row for row in results if row["page"] == "baseline"), {})
    for row in results:
        row["share_of_baseline_pct"], row["verdict"] = _verdict(row, baseline.get("rps"))
        target = TARGETS[row["target"]]
        row["target_text"] = target["text"] if target else "—"
    data = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "kind": _kind(options, data_set()),
        "data_set": data_set(),
        "settings": {
            "concurrency": options.concurrency,
            "seconds_per_page": options.duration,
            "gunicorn_workers": options.workers,
        },
        "machine": machine(),
        "pages": results,
        "not_measured_yet": NOT_MEASURED,
    }
    output.mkdir(parents=True, exist_ok=True)
    (output / "latest.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    (output / "latest.md").write_text(markdown(data))


def _kind(options, data):
    if options.duration < 30 or data["dossiers"] < 1000:
        return "smoke run (reduced scale or duration), not the issue's full benchmark"
    return "full benchmark"


def _ms(value):
    return "—" if value is None else f"{value:.1f}"


def markdown(data):
    settings, machine_, data_ = data["settings"], data["machine"], data["data_set"]
    lines = [
        "# Benchmark results (latest)",
        "",
        f"**{data['kind'].capitalize()}.** {data['when']}; data set `seed_bench` at scale "
        f"{data_['scale']:g} ({data_['dossiers']} dossiers in `{data_['call']}`); "
        f"{settings['concurrency']} concurrent clients, {settings['seconds_per_page']} s per "
        f"page, gunicorn with {settings['gunicorn_workers']} sync workers, "
        f"settings `clusters_portal.settings.bench`, load generator "
        f"{_generator(data['pages'])}.",
        "",
        f"Machine: {machine_['cpu_count']} × {machine_['cpu_model']}, "
        f"{machine_['ram_gib']} GiB RAM, PostgreSQL {machine_['postgresql']}, Python "
        f"{machine_['python']}, Django {machine_['django']}, commit `{machine_['git_commit']}`, "
        f"load average at the end {' / '.join(machine_['load_average_at_end'])}.",
        "",
        "| Page | Requests | req/s | % of baseline | p50 ms | p95 ms | p99 ms | Errors "
        "| Target | Verdict |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in data["pages"]:
        share = row["share_of_baseline_pct"]
        lines.append(
            f"| {row['title']} (`{row['path']}`) | {row.get('requests', '—')} "
            f"| {row.get('rps', '—')} | {'—' if share is None else f'{share:g} %'} "
            f"| {_ms(row.get('p50_ms'))} | {_ms(row.get('p95_ms'))} | {_ms(row.get('p99_ms'))} "
            f"| {row.get('errors', '—')} | {row['target_text']} | {row['verdict']} |"
        )
    lines += ["", "Not measured yet:", ""]
    lines += [f"- {item}" for item in data["not_measured_yet"]]
    return "\n".join(lines) + "\n"


def _generator(pages):
    return next((row["generator"] for row in pages if "generator" in row), "none")
