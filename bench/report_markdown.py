"""bench/results/latest.md: the JSON figures as tables a reader can take in at once."""

from targets import QUERY_TARGETS, RUSH_BEFORE_ISSUE14, TARGETS

TARGET_TEXTS = {name: target["text"] for name, target in TARGETS.items() if target}


def _ms(value):
    return "—" if value is None else f"{value:.1f}"


def _yes(flag):
    return "yes" if flag else "**no**"


def _pct(value):
    return "—" if value is None else f"{value:g} %"


def _latency(row):
    if row is None or "p50_ms" not in row:
        return "—"
    return f"{_ms(row['p50_ms'])} / {_ms(row['p95_ms'])} / {_ms(row['p99_ms'])}"


def markdown(data):
    lines = _header(data) + _pages(data)
    lines += _issue14(data)
    lines += _mix(data.get("mix"))
    lines += _queries(data.get("queries"))
    lines += _rush([data.get("rush"), data.get("rush_double")])
    lines += _pdfs(data.get("pdfs"))
    lines += _before_after(data)
    return "\n".join(lines) + "\n"


def _header(data):
    settings, machine, data_set = data["settings"], data["machine"], data["data_set"]
    return [
        "# Benchmark results (latest)",
        "",
        f"**{data['kind'].capitalize()}.** {data['when']}, whole run {data['seconds']} s; "
        f"data set `seed_bench` at scale {data_set['scale']:g} ({data_set['dossiers']} "
        f"dossiers in `{data_set['call']}`); {settings['concurrency']} concurrent clients, "
        f"{settings['seconds_per_page']} s per page, gunicorn with "
        f"{settings['gunicorn_workers']} sync workers and a Celery worker, settings "
        f"`clusters_portal.settings.bench`, load generator {_generator(data['pages'])}; "
        f"each page measured cold, then warm; realistic mix {settings.get('mix_seconds')} s.",
        "",
        f"Machine: {machine['cpu_count']} × {machine['cpu_model']}, {machine['ram_gib']} GiB "
        f"RAM, PostgreSQL {machine['postgresql']}, Python {machine['python']}, Django "
        f"{machine['django']}, commit `{machine['git_commit']}`, load average at the end "
        f"{' / '.join(machine['load_average_at_end'])}. The load generator runs on the same "
        "two cores as the portal.",
        "",
    ]


def _by_mode(pages):
    """{page: {mode: row}}, in the order the pages were first measured."""
    found = {}
    for row in pages:
        found.setdefault(row["page"], {})[row.get("mode") or "floor"] = row
    return found


def _pages(data):
    lines = [
        "## Pages, cold and warm",
        "",
        "Cold: gunicorn started with `PORTAL_CACHE=off`, every portal cache bypassed (public "
        "pages and cached aggregates made on every request; sessions still in Redis). Warm: "
        "gunicorn restarted as shipped, the page requested once before it is measured. Shares "
        "are of the higher of the two runs of the bare view (first and last), latencies "
        "p50 / p95 / p99 in ms.",
        "",
        "| Page | cold req/s | % of bare | p50 / p95 / p99 | target | verdict "
        "| warm req/s | % of bare | p50 / p95 / p99 | target | verdict | errors |",
        "|---|---:|---:|---:|---|---|---:|---:|---:|---|---|---:|",
    ]
    for name, modes in _by_mode(data["pages"]).items():
        if name == "baseline_again":
            continue
        cold = modes.get("cold") or modes.get("floor")
        warm = modes.get("warm")
        first = cold or warm
        errors = sum(row.get("errors", 0) for row in modes.values())
        lines.append(
            f"| {first['title']} (`{first['path']}`) "
            f"{_page_cells(cold)}{_page_cells(warm)}| {errors} |"
        )
    again = _by_mode(data["pages"]).get("baseline_again", {})
    for row in again.values():
        lines += [
            "",
            f"The bare view again, last: {row.get('rps', '—')} req/s "
            f"({_pct(row['share_of_baseline_pct'])} of the higher), {_latency(row)} ms.",
        ]
    return [*lines, ""]


def _page_cells(row):
    if row is None:
        return "| — | — | — | — | — "
    return (
        f"| {row.get('rps', '—')} | {_pct(row['share_of_baseline_pct'])} | {_latency(row)} "
        f"| {row['target_text']} | {row['verdict']} "
    )


def _issue14(data):
    """Issue 14's table (before its work) beside the same figures of this run."""
    before = data.get("before_issue14")
    if not before:
        return []
    now = _by_mode(data["pages"])
    warm_targets = data.get("warm_targets", {})
    lines = [
        "## Issue 14: before and now",
        "",
        f"Before: {before['description']} (`bench/results/before-issue14.json`). Now: this "
        "run. A warm target is the issue's cached figure as a share of its bare view "
        "(2,509 req/s), held where a cache remains.",
        "",
        "| Page | before: cached req/s | before: cold req/s | before: cold % of bare "
        "| now: warm req/s | now: warm % | now: cold req/s | now: cold % of bare "
        "| cold target | warm target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for old in before["pages"]:
        modes = now.get(old["page"], {})
        cold = modes.get("cold") or modes.get("floor") or {}
        warm = modes.get("warm") or {}
        target = TARGET_TEXTS.get(cold.get("target"), "—")
        warm_target = (
            f"≥ {warm_targets[old['page']]:g} %"
            if warm.get("cached") and old["page"] in warm_targets
            else "—"
        )
        lines.append(
            f"| {old['title']} | {old.get('cached_rps', '—')} | {old['cold_rps']} "
            f"| {old['cold_share_pct']:g} % | {warm.get('rps', '—')} "
            f"| {_pct(warm.get('share_of_baseline_pct'))} | {cold.get('rps', '—')} "
            f"| {_pct(cold.get('share_of_baseline_pct'))} | {target} | {warm_target} |"
        )
    mix = before.get("mix")
    if mix:
        lines += ["", f"Realistic mix before: {mix['description']}"]
    return [*lines, ""]


def _mix(mix):
    if not mix:
        return []
    people = ", ".join(f"{count} {role}s" for role, count in mix["roles"].items())
    lines = [
        "## Realistic mix (Locust)",
        "",
        f"{mix['users']} distinct people signed in ({people}), each browsing their own pages "
        f"with {mix['think_seconds'][0]:g}–{mix['think_seconds'][1]:g} s of thought between "
        f"two actions, for {mix['seconds']:g} s after all had started (gunicorn as shipped); "
        f"{mix['writes_pct']:g} % of requests are writes (POST). In all "
        f"{mix['requests_total']} requests, {mix['rps']:g} req/s, p50 / p95 / p99 "
        f"{_latency(mix['total'])} ms, {mix['failures']} errors. "
        f"Verdict: **{mix['verdict']}**.",
        "",
        "| Request | Method | Requests | req/s | p50 ms | p95 ms | p99 ms | max ms | Errors "
        "| Verdict |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in mix["requests"]:
        lines.append(
            f"| {row['name']} | {row['method']} | {row['requests']} | {row['rps']:g} "
            f"| {_ms(row['p50_ms'])} | {_ms(row['p95_ms'])} | {_ms(row['p99_ms'])} "
            f"| {_ms(row['max_ms'])} | {row['failures']} | {row['verdict']} |"
        )
    checks = ", ".join(f"{name}: {_yes(flag)}" for name, flag in mix["checks"].items())
    lines += [
        "",
        f"Checks: {checks}.",
        "",
        f"Load generator: {mix['generator']}, one process on the same cores, "
        f"{mix['generator_cpu_seconds']:g} CPU-seconds for the whole run. Locust rounds "
        "latencies over 100 ms to two significant digits.",
    ]
    for note in mix.get("notes", []):
        lines += ["", note]
    if mix.get("errors"):
        lines += ["", "Errors:", ""]
        lines += [f"- {e['occurrences']} × {e['name']}: {e['error']}" for e in mix["errors"]]
    return [*lines, ""]


def _before_after(data):
    before = data.get("before")
    if not before:
        return []
    earlier = {row["page"]: row for row in before["pages"]}
    lines = [
        "## Before issue 7",
        "",
        f"Before: {before['description']} Now: this run's warm figures (as shipped).",
        "",
        "| Page | req/s before | req/s now | p95 ms before | p95 ms now |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in data["pages"]:
        old = earlier.get(row["page"])
        if old is None or "rps" not in row or row.get("mode") == "cold":
            continue
        lines.append(
            f"| {row['title']} | {old['rps']} | {row['rps']} | {_ms(old['p95_ms'])} "
            f"| {_ms(row['p95_ms'])} |"
        )
    return [*lines, ""]


def _queries(queries):
    if not queries:
        return []
    small, large = queries.get("small", {}), queries["large"]
    lines = [
        "## Queries per page",
        "",
        "Through Django's test client, first view, every portal cache bypassed "
        f"(`PORTAL_CACHE` off). Target: at most {QUERY_TARGETS['max_per_page']} and the same "
        f"at both sizes. Verdict: **{queries['verdict']}**.",
        "",
        f"| Page | {small.get('rows', '—')} rows | {large['rows']} rows | Verdict |",
        "|---|---:|---:|---|",
    ]
    over, unequal = set(queries.get("over", ())), set(queries.get("unequal", ()))
    for name, count in large["queries"].items():
        why = [f"over {QUERY_TARGETS['max_per_page']}"] * (name in over)
        why += ["grows with the rows"] * (name in unequal)
        verdict = f"missed ({', '.join(why)})" if why else "met"
        lines.append(
            f"| {name} | {small.get('queries', {}).get(name, '—')} | {count} | {verdict} |"
        )
    return [*lines, ""]


def _rush(runs):
    """The rush of the target and the larger one, side by side; `runs` as in latest.json."""
    runs = [run for run in runs if run]
    if not runs:
        return []
    done = [run for run in runs if "not_run" not in run]
    first = done[0] if done else runs[0]
    lines = [
        "## Deadline rush",
        "",
        f"Directors, each with a complete draft but for its files, upload "
        f"{first.get('files_per_client', 3)} files of 2 MB each as the browser sends them "
        "(htmx, answered with the document's card), open the check-your-answers page, submit "
        "and open the confirmation; they start one after another over "
        f"{first.get('spread_seconds', 0):g} s. Issue 14's targets hold the first run; the "
        f"second, twice as large, is reported. Before issue 14: {RUSH_BEFORE_ISSUE14}.",
        "",
        "| Figure | " + " | ".join(f"{run['clients']} directors" for run in runs) + " |",
        "|---|" + "---|" * len(runs),
    ]
    for label, cell in _RUSH_ROWS:
        values = ["not run" if "not_run" in run else cell(run) for run in runs]
        lines.append(f"| {label} | " + " | ".join(values) + " |")
    for run in done:
        lines += [
            "",
            f"{run['clients']} directors, by step:",
            "",
            "| Step | p50 ms | p95 ms | p99 ms |",
            "|---|---:|---:|---:|",
        ]
        for step, figures in run["by_step"].items():
            lines.append(
                f"| {step} | {_ms(figures['p50_ms'])} | {_ms(figures['p95_ms'])} "
                f"| {_ms(figures['p99_ms'])} |"
            )
        checks = ", ".join(f"{name}: {_yes(flag)}" for name, flag in run["checks"].items())
        lines += ["", f"Checks ({run['clients']} directors): {checks}."]
    return [*lines, ""]


def _cpu(run, name):
    value = (run.get("cpu_seconds") or {}).get(name)
    return "—" if value is None else f"{value:g}"


def _receipts(run):
    receipts = run.get("receipts")
    if not receipts:
        return "—"
    rendered = receipts["receipts"] - receipts["not_rendered"]
    return (
        f"{rendered} of {receipts['receipts']}, the last {receipts['seconds_after_rush_start']} s "
        "after the first director started"
    )


_RUSH_ROWS = [
    ("Verdict", lambda run: f"**{run['verdict']}**"),
    ("Submitted", lambda run: f"{run['successes']} of {run['clients']}"),
    ("Errors", lambda run: f"{run['errors']} {run['errors_by_step'] or ''}".strip()),
    ("First start to last answer", lambda run: f"{run['wall_seconds']} s"),
    ("First start to last submission", lambda run: f"{run['last_submission_seconds']} s"),
    (
        "Request latency p50 / p95 / p99 ms",
        lambda run: f"{_latency(run['requests'])} ({run['requests']['count']} requests)",
    ),
    (
        "A director's whole submission p50 / p99 ms",
        lambda run: f"{_ms(run['client'].get('p50_ms'))} / {_ms(run['client'].get('p99_ms'))}",
    ),
    ("**CPU-seconds per director** (gunicorn)", lambda run: _cpu(run, "gunicorn_per_director")),
    (
        "CPU-seconds during the rush: gunicorn / Celery worker / whole machine",
        lambda run: f"{_cpu(run, 'gunicorn')} / {_cpu(run, 'worker')} / {_cpu(run, 'machine')}",
    ),
    ("Dossiers submitted in the database", lambda run: str(run["database"]["submitted"])),
    (
        "Files stored, SHA-256 matching the row / what was sent",
        lambda run: (
            f"{run['database']['files']}, {run['database']['files_match_row']} / "
            f"{run['database']['files_match_sent']}"
        ),
    ),
    (
        "Receipts, listing every file",
        lambda run: (
            f"{run['database']['receipts']}, {run['database']['receipts_listing_every_file']}"
        ),
    ),
    ("Receipt PDFs rendered by the worker", _receipts),
]


def _pdfs(pdfs):
    if not pdfs:
        return []
    lines = [
        "## PDFs",
        "",
        "Median of 10 through the portal's service (reads, template, WeasyPrint, saving the "
        "file) beside WeasyPrint alone on the same prepared HTML (the floor).",
        "",
        "| Document | Pages | Service ms | Floor ms | Ratio | Service without WeasyPrint ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in ("receipt", "contract"):
        row = pdfs[name]
        lines.append(
            f"| {name} | {row['pages']} | {row['service_ms']} | {row['floor_ms']} "
            f"| {row['ratio']} | {row['service_without_weasyprint_ms']} |"
        )
    contract, worker = pdfs["contract"], pdfs["worker"]
    return [
        *lines,
        "",
        f"Contract within {contract['target_ratio']} × the floor: "
        f"**{'met' if contract['meets_target'] else 'missed'}**. "
        f"{worker['contracts']} contracts through a Celery worker ({worker['concurrency']} "
        f"processes): {worker['seconds']} s, {worker['mean_ms']} ms each, target under "
        f"{worker['target_seconds']} s: **{'met' if worker['meets_target'] else 'missed'}**.",
        "",
    ]


def _generator(pages):
    return next((row["generator"] for row in pages if "generator" in row), "none")
