"""Closed-loop load on one URL: `concurrency` clients, each sending its next request as soon
as the previous answer arrived, for `duration` seconds. wrk when installed (C, so the load
generator is not the bottleneck of the baseline), else Python threads."""

import json
import shutil
import subprocess  # nosec B404
import threading
import time
from pathlib import Path

import requests

WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")


def cookie_header(session):
    return "; ".join(f"{name}={value}" for name, value in session.cookies.items())


def measure(url, session, concurrency, duration):
    if shutil.which("wrk"):
        return _with_wrk(url, session, concurrency, duration)
    return _with_threads(url, session, concurrency, duration)


def _with_wrk(url, session, concurrency, duration):
    command = ["wrk", "-t", str(min(2, concurrency)), "-c", str(concurrency)]
    command += ["-d", f"{duration}s", "--timeout", "30s", "-s", str(WRK_SCRIPT)]
    if session is not None and session.cookies:
        command += ["-H", f"Cookie: {cookie_header(session)}"]
    output = subprocess.run(  # noqa: S603 -- fixed program, our own arguments  # nosec B603
        [*command, url], capture_output=True, text=True, check=True, timeout=duration + 60
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    raw = json.loads(line.removeprefix("BENCH "))
    seconds = raw["duration_us"] / 1e6
    return {
        "generator": "wrk",
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "rps": round(raw["requests"] / seconds, 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": raw["not_200"] + raw["socket_errors"] + raw["timeouts"],
    }


def _with_threads(url, session, concurrency, duration):
    cookies = dict(session.cookies.items()) if session is not None else {}
    latencies, errors, lock = [], [0], threading.Lock()
    stop_at = time.perf_counter() + duration

    def client():
        own = requests.Session()
        own.cookies.update(cookies)
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                ok = own.get(url, allow_redirects=False, timeout=30).status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                latencies.append(time.perf_counter() - started)
                errors[0] += not ok

    started = time.perf_counter()
    clients = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    seconds = time.perf_counter() - started
    return {
        "generator": "python-threads",
        "requests": len(latencies),
        "seconds": round(seconds, 2),
        "rps": round(len(latencies) / seconds, 1),
        **_percentiles(sorted(latencies)),
        "errors": errors[0],
    }


def _percentiles(ordered):
    def at(share):
        if not ordered:
            return None
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 2)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99)}
