"""The report's arithmetic: shares of the bare view of the same run, issue 14's targets for
cold and warm pages, the realistic mix's verdict, the queries' verdict, and the tables."""

import pytest
import report
import report_markdown
import targets

WARM = {"call_page": 35.35, "ranking": 10.96}


def _row(page, target, rps, mode="cold", errors=0, cached=False):
    return {
        "page": page,
        "title": page.replace("_", " ").capitalize(),
        "path": f"/{page}/",
        "target": target,
        "mode": mode,
        "cached": cached,
        "rps": rps,
        "p50_ms": 5.0,
        "p95_ms": 10.0,
        "p99_ms": 20.0,
        "errors": errors,
        "requests": int(rps * 10),
    }


def _by_page(rows, mode="cold"):
    return {row["page"]: row for row in rows if row["mode"] == mode}


def test_pages_are_compared_with_the_higher_bare_view():
    rows = report._pages(
        [
            _row("baseline", "baseline", 1300.0, mode=None),
            _row("call_page", "public", 150.0),
            _row("baseline_again", "baseline", 1600.0, mode=None),
        ],
        WARM,
    )
    call_page = _by_page(rows)["call_page"]
    # 11.5 % of the first bare view, but 9.38 % of the second: the 10 % target is missed.
    assert call_page["share_of_baseline_pct"] == 9.38
    assert (call_page["target_text"], call_page["verdict"]) == ("cold ≥ 10 %", "missed")


@pytest.mark.parametrize(
    ("target", "rps", "verdict"),
    [
        ("public", 100.0, "met"),
        ("public", 99.9, "missed"),
        ("signed_in", 50.0, "met"),
        ("signed_in", 49.0, "missed"),
        ("programme", 20.0, "met"),
        ("ranking", 15.0, "met"),
        ("ranking", 14.9, "missed"),
    ],
)
def test_cold_pages_are_held_to_the_issue_shares(target, rps, verdict):
    rows = report._pages([_row("baseline", "baseline", 1000.0, mode=None), _row("p", target, rps)])
    assert _by_page(rows)["p"]["verdict"] == verdict


def test_an_error_misses_the_target_whatever_the_speed():
    rows = report._pages(
        [_row("baseline", "baseline", 1000.0, mode=None), _row("p", "public", 900.0, errors=1)]
    )
    assert _by_page(rows)["p"]["verdict"] == "missed"


def test_floors_and_the_export_have_a_share_and_no_target():
    rows = report._pages(
        [
            _row("baseline", "baseline", 2000.0, mode=None),
            _row("signed_in", "floor", 800.0, mode=None),
            _row("ranking_csv", "export", 5.0),
        ],
        WARM,
    )
    floor = next(row for row in rows if row["page"] == "signed_in")
    assert floor["share_of_baseline_pct"] == 40.0
    assert (floor["target_text"], floor["verdict"]) == ("—", "—")
    assert _by_page(rows)["ranking_csv"]["verdict"] == "—"


def test_warm_pages_are_held_to_the_issue_cached_figure_only_where_a_cache_remains():
    rows = report._pages(
        [
            _row("baseline", "baseline", 2000.0, mode=None),
            _row("call_page", "public", 708.0, mode="warm", cached=True),
            _row("ranking", "ranking", 200.0, mode="warm", cached=True),
            _row("director_dashboard", "signed_in", 120.0, mode="warm"),
        ],
        WARM,
    )
    warm = _by_page(rows, "warm")
    assert warm["call_page"]["share_of_baseline_pct"] == 35.4
    assert warm["call_page"]["verdict"] == "met"
    assert warm["ranking"]["verdict"] == "missed"  # 10 % of the bare view, not 10.96 %
    assert warm["director_dashboard"]["verdict"] == "—"


def test_a_page_that_did_not_answer_200_is_not_served():
    row = {**_row("dossier", "signed_in", 0.0), "status": 302}
    del row["rps"]
    rows = report._pages([_row("baseline", "baseline", 1000.0, mode=None), row])
    assert _by_page(rows)["dossier"]["verdict"] == "not served (status 302)"


def test_warm_targets_are_the_issue_cached_figures_over_its_bare_view():
    warm = targets.warm_targets()
    assert warm["call_page"] == round(100 * 887 / 2509, 2)
    assert warm["programme_dashboard"] == round(100 * 247 / 2509, 2)
    assert "baseline" not in warm and "signed_in" not in warm


def _mix(users=224, rows=None):
    rows = rows or [
        {"name": "dashboard", "p95_ms": 120.0, "failures": 0},
        {"name": "login: password check", "p95_ms": 900.0, "failures": 0, "judged": False},
    ]
    return {"users": users, "failures": sum(row["failures"] for row in rows), "requests": rows}


def test_the_mix_is_met_with_every_judged_request_under_the_ceiling():
    verdict = report.mix_verdict(_mix())
    assert verdict["verdict"] == "met"


@pytest.mark.parametrize(
    ("mix", "failed_check"),
    [
        (_mix(users=199), "at least 200 people"),
        (_mix(rows=[{"name": "queue", "p95_ms": 500.0, "failures": 0}]), "p95 under 500 ms"),
        (_mix(rows=[{"name": "queue", "p95_ms": None, "failures": 0}]), "p95 under 500 ms"),
        (_mix(rows=[{"name": "queue", "p95_ms": 10.0, "failures": 1}]), "no error"),
    ],
)
def test_the_mix_is_missed_by_too_few_people_a_slow_page_or_an_error(mix, failed_check):
    verdict = report.mix_verdict(mix)
    assert verdict["verdict"] == "missed"
    failed = [name for name, ok in verdict["checks"].items() if not ok]
    assert [name for name in failed if name.startswith(failed_check)] == failed


def test_a_request_not_judged_for_latency_still_fails_on_an_error():
    mix = _mix(rows=[{"name": "login", "p95_ms": 900.0, "failures": 2, "judged": False}])
    report.mix_verdict(mix)
    assert mix["requests"][0]["verdict"] == "missed"


def test_queries_are_held_to_twelve_and_to_the_same_count_at_both_sizes():
    def counted(large, small):
        return {
            "large": {"rows": 1000, "queries": large},
            "small": {"rows": 10, "queries": small},
        }

    assert report._queries_verdict(counted({"a": 12}, {"a": 12}))["verdict"] == "met"
    over = report._queries_verdict(counted({"a": 13}, {"a": 13}))
    assert (over["verdict"], over["over"]) == ("missed", ["a"])
    unequal = report._queries_verdict(counted({"a": 9}, {"a": 8}))
    assert (unequal["verdict"], unequal["unequal"]) == ("missed", ["a"])


def test_the_markdown_puts_cold_warm_and_the_issue_figures_side_by_side():
    pages = report._pages(
        [
            _row("baseline", "baseline", 2000.0, mode=None),
            _row("signed_in", "floor", 800.0, mode=None),
            _row("call_page", "public", 250.0),
            _row("call_page", "public", 900.0, mode="warm", cached=True),
            _row("baseline_again", "baseline", 1900.0, mode=None),
        ],
        WARM,
    )
    data = {
        "pages": pages,
        "before_issue14": {
            "description": "the issue's table",
            "pages": [
                {"page": "call_page", "title": "Public call page", "cached_rps": 887}
                | {"cold_rps": 30, "cold_share_pct": 1.2}
            ],
        },
        "warm_targets": WARM,
    }
    text = "\n".join(report_markdown._pages(data) + report_markdown._issue14(data))
    assert (
        "| Call page (`/call_page/`) | 250.0 | 12.5 % | 5.0 / 10.0 / 20.0 | cold ≥ 10 % | met "
        "| 900.0 | 45 % | 5.0 / 10.0 / 20.0 | warm ≥ 35.35 % (issue's cached) | met | 0 |"
    ) in text
    assert (
        "| Public call page | 887 | 30 | 1.2 % | 900.0 | 45 % | 250.0 | 12.5 % "
        "| cold ≥ 10 % | ≥ 35.35 % |"
    ) in text
    assert "The bare view again, last: 1900.0 req/s (95 % of the higher)" in text


def test_the_queries_table_says_which_page_misses_and_why():
    counted = {
        "large": {"rows": 1000, "queries": {"dossier": 17, "ranking": 6, "queue": 3}},
        "small": {"rows": 10, "queries": {"dossier": 17, "ranking": 5, "queue": 3}},
    }
    text = "\n".join(report_markdown._queries(counted | report._queries_verdict(counted)))
    assert "| dossier | 17 | 17 | missed (over 12) |" in text
    assert "| ranking | 5 | 6 | missed (grows with the rows) |" in text
    assert "| queue | 3 | 3 | met |" in text
