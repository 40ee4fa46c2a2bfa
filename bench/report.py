"""bench/results/latest.json and latest.md: the figures, the machine, and each against the
issue's target."""

import json
import os
import platform
import shutil
import subprocess  # nosec B404
from datetime import UTC, datetime
from pathlib import Path

import django
import report_markdown
from django.db import connection
from targets import RUSH_TARGETS, TARGETS, data_set


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
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _proc_value("/proc/cpuinfo", "model name"),
        "ram_gib": round(kilobytes / 1024 / 1024, 1),
        "load_average_at_end": Path("/proc/loadavg").read_text().split()[:3],
        "postgresql": postgresql,
        "python": platform.python_version(),
        "django": django.get_version(),
        "git_commit": described.stdout.strip(),
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


def _pages(results):
    # Measured before and after the pages: the higher of the two, the harder comparison.
    baseline_rps = max(
        (row["rps"] for row in results if row["target"] == "baseline" and "rps" in row),
        default=None,
    )
    for row in results:
        row["share_of_baseline_pct"], row["verdict"] = _verdict(row, baseline_rps)
        target = TARGETS[row["target"]]
        row["target_text"] = target["text"] if target else "—"
    return results


def _queries_verdict(counted):
    """Equal at 10 and 1,000 rows, page by page, seen first and seen again."""
    small, large = counted.get("small"), counted.get("large")
    if not small or not large:
        return {"verdict": "not measured (no small database)"}
    unequal = [
        name for name, figures in large["queries"].items() if figures != small["queries"].get(name)
    ]
    return {"unequal": unequal, "verdict": "met" if not unequal else "missed"}


def _rush_verdict(rush):
    database = rush["database"]
    checks = {
        "all submitted": rush["successes"] == RUSH_TARGETS["clients"] == rush["clients"],
        "no error": rush["errors"] == 0,
        "nothing lost": database["all_verified"],
        "p99 under 2 s": rush["requests"]["p99_ms"] < RUSH_TARGETS["p99_ms"],
        "within one minute": rush["within_one_minute"],
    }
    return {"checks": checks, "verdict": "met" if all(checks.values()) else "missed"}


def write(options, results, *, output):
    data = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "kind": _kind(options, data_set()),
        "data_set": data_set(),
        "settings": {
            "concurrency": options.concurrency,
            "seconds_per_page": options.duration,
            "gunicorn_workers": options.workers,
            "rush_spread_seconds": options.rush_spread,
        },
        "machine": machine(),
        "seconds": results.get("seconds"),
        "pages": _pages(results.get("pages", [])),
    }
    if "queries" in results:
        data["queries"] = results["queries"] | _queries_verdict(results["queries"])
    if "rush" in results:
        data["rush"] = results["rush"] | _rush_verdict(results["rush"])
    if "pdfs" in results:
        data["pdfs"] = results["pdfs"]
    before = output / "before.json"
    if before.exists():
        data["before"] = json.loads(before.read_text())
    output.mkdir(parents=True, exist_ok=True)
    (output / "latest.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    (output / "latest.md").write_text(report_markdown.markdown(data))


def _kind(options, data):
    if options.duration < 20 or data["dossiers"] < 1000:
        return "smoke run (reduced scale or duration), not the issue's full benchmark"
    return "full benchmark"
