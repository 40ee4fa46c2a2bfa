"""The report compares each page with the higher of the two baselines measured around them."""

import report


def _row(page, target, rps, p95_ms=10.0):
    return {"page": page, "target": target, "rps": rps, "p95_ms": p95_ms, "errors": 0}


def test_pages_are_compared_with_the_higher_baseline():
    rows = report._pages(
        [
            _row("baseline", "baseline", 1300.0),
            _row("call_page", "public", 700.0),
            _row("baseline_again", "baseline", 1600.0),
        ]
    )

    call_page = next(row for row in rows if row["page"] == "call_page")
    # 53.8 % of the first baseline, but 43.75 % of the second: the target is missed.
    assert call_page["share_of_baseline_pct"] == 43.75
    assert call_page["verdict"] == "missed"
