"""bench/results/latest.md: the JSON figures as tables a reader can take in at once."""


def _ms(value):
    return "—" if value is None else f"{value:.1f}"


def _yes(flag):
    return "yes" if flag else "**no**"


def markdown(data):
    lines = _header(data) + _pages(data)
    lines += _before_after(data)
    lines += _queries(data.get("queries"))
    lines += _rush(data.get("rush"))
    lines += _pdfs(data.get("pdfs"))
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
        f"`clusters_portal.settings.bench`, load generator {_generator(data['pages'])}.",
        "",
        f"Machine: {machine['cpu_count']} × {machine['cpu_model']}, {machine['ram_gib']} GiB "
        f"RAM, PostgreSQL {machine['postgresql']}, Python {machine['python']}, Django "
        f"{machine['django']}, commit `{machine['git_commit']}`, load average at the end "
        f"{' / '.join(machine['load_average_at_end'])}. The load generator runs on the same "
        "two cores as the portal.",
        "",
    ]


def _pages(data):
    lines = [
        "## Pages",
        "",
        "Shares are of the higher of the two baseline runs, before and after the pages.",
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
    return [*lines, ""]


def _before_after(data):
    before = data.get("before")
    if not before:
        return []
    earlier = {row["page"]: row for row in before["pages"]}
    lines = [
        "## Before and after",
        "",
        f"Before: {before['description']}",
        "",
        "| Page | req/s before | req/s now | p95 ms before | p95 ms now |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in data["pages"]:
        old = earlier.get(row["page"])
        if old is None or "rps" not in row:
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
        f"Through Django's test client, first view (nothing cached) and seen again. "
        f"Verdict (identical at both sizes): **{queries['verdict']}**.",
        "",
        f"| Page | {small.get('rows', '—')} rows: first | again "
        f"| {large['rows']} rows: first | again |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, figures in large["queries"].items():
        other = small.get("queries", {}).get(name, {})
        lines.append(
            f"| {name} | {other.get('first', '—')} | {other.get('again', '—')} "
            f"| {figures['first']} | {figures['again']} |"
        )
    return [*lines, ""]


def _rush(rush):
    if not rush:
        return []
    database, latency, client = rush["database"], rush["requests"], rush["client"]
    lines = [
        "## Deadline rush",
        "",
        f"{rush['clients']} directors, each with a complete draft, upload "
        f"{rush['files_per_client']} files of {rush['file_bytes'] // (1024 * 1024)} MB and "
        f"submit; they start one after another over {rush['spread_seconds']:g} s. "
        f"Verdict: **{rush['verdict']}**.",
        "",
        "| Figure | Value |",
        "|---|---|",
        f"| Submitted | {rush['successes']} of {rush['clients']} |",
        f"| Errors | {rush['errors']} {rush['errors_by_step'] or ''} |",
        f"| First start to last submission | {rush['last_submission_seconds']} s |",
        f"| Request latency p50 / p95 / p99 | {_ms(latency.get('p50_ms'))} / "
        f"{_ms(latency.get('p95_ms'))} / {_ms(latency.get('p99_ms'))} ms "
        f"({latency['count']} requests) |",
        f"| A director's whole submission p50 / p99 | {_ms(client.get('p50_ms'))} / "
        f"{_ms(client.get('p99_ms'))} ms |",
        f"| Dossiers submitted in the database | {database['submitted']} |",
        f"| Files stored, SHA-256 matching the row / what was sent | {database['files']}, "
        f"{database['files_match_row']} / {database['files_match_sent']} |",
        f"| Receipts listing every file | {database['receipts_listing_every_file']} |",
    ]
    receipts = rush.get("receipts")
    if receipts:
        lines.append(
            f"| Receipt PDFs rendered by the worker | {receipts['receipts'] - receipts['not_rendered']}"
            f" of {receipts['receipts']}, the last {receipts['seconds_after_rush_start']} s "
            "after the first director started |"
        )
    lines += ["", "| Step | p50 ms | p95 ms | p99 ms |", "|---|---:|---:|---:|"]
    for step, figures in rush["by_step"].items():
        lines.append(
            f"| {step} | {_ms(figures['p50_ms'])} | {_ms(figures['p95_ms'])} "
            f"| {_ms(figures['p99_ms'])} |"
        )
    checks = ", ".join(f"{name}: {_yes(flag)}" for name, flag in rush["checks"].items())
    return [*lines, "", f"Checks: {checks}.", ""]


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
