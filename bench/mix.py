"""`make bench`: the realistic mix. Every person of the mix the seed wrote (bench/data/mix.py)
— directors, evaluators, administrators, over 200 at full scale — signed in beforehand (a
session as the login page writes it, see sessions.py), then Locust, headless, in a process
of its own on the same machine: each person browses their own pages with 1–3 s of thought,
about one request in ten a write (bench/locustfile.py). Throughput, p50 / p95 / p99 and
errors per page, from Locust's CSV statistics.

Why Locust: the issue names it; it runs headless from the command line, people are Python
classes with weighted actions and their own state (cookies, a draft, the forms they fill),
and it reports statistics per request name.
"""

import csv
import json
import os
import random
import resource
import subprocess  # nosec B404
import sys
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path

from django.urls import reverse
from sessions import session_cookies

from accounts.models import Role, User
from applications.models import Dossier
from applications.sections import SECTIONS
from bench.data.mix import EVALUATION_REFERENCE, MIX_REFERENCE
from bench.data.plan import CALL_REFERENCE, DOMAIN, PASSWORD
from contracts.models import Contract
from evaluation.models import Assignment, AssignmentStatus, Criterion, Grid

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
THINK_SECONDS = (1, 3)
# People start over this many seconds; the statistics count from when all have started.
RAMP_SECONDS = 10
# The password check of a login takes PBKDF2's 1,000,000 iterations (about 0.6 s of CPU here)
# by design: shown with its errors, not held to the pages' latency ceiling.
NOT_JUDGED = {"sign in": "the password check alone is PBKDF2's 1,000,000 iterations"}
TEXT_SECTIONS = [
    (section.slug, section.fields[0]) for section in SECTIONS if section.kind == "text"
]


def _directors():
    drafts = Dossier.objects.filter(call__reference=MIX_REFERENCE).select_related("cluster__owner")
    drafts = list(drafts.order_by("pk"))
    clusters = [draft.cluster_id for draft in drafts]
    submitted = dict(
        Dossier.objects.filter(call__reference=CALL_REFERENCE, cluster__in=clusters).values_list(
            "cluster_id", "pk"
        )
    )
    contracts = dict(Contract.objects.filter(cluster__in=clusters).values_list("cluster_id", "pk"))
    people = []
    for draft in drafts:
        director, cluster = draft.cluster.owner, draft.cluster_id
        people.append(
            {
                "user": director,
                "dashboard": reverse("core:dashboard"),
                "draft": reverse("applications:dossier_detail", args=[draft.pk]),
                "sections": [
                    {
                        "url": reverse("applications:dossier_section", args=[draft.pk, slug]),
                        "field": field,
                    }
                    for slug, field in TEXT_SECTIONS
                ],
                "dossier": reverse("applications:dossier_detail", args=[submitted[cluster]]),
                "contract": reverse("contracts:detail", args=[contracts[cluster]])
                if cluster in contracts
                else None,
                "cluster": reverse("applications:cluster_profile"),
                "members": reverse("applications:member_list"),
                "call": reverse("applications:call_detail", args=[MIX_REFERENCE]),
                "login": reverse("accounts:login"),
                "logout": reverse("accounts:logout"),
            }
        )
    return people


def _evaluators(rng):
    live = Assignment.objects.filter(status=AssignmentStatus.ACTIVE).order_by("pk")
    to_score, scored = defaultdict(list), defaultdict(list)
    for pk, evaluator in live.filter(dossier__call__reference=EVALUATION_REFERENCE).values_list(
        "pk", "evaluator"
    ):
        to_score[evaluator].append(reverse("evaluation:review", args=[pk]))
    for pk, evaluator in live.filter(
        dossier__call__reference=CALL_REFERENCE, evaluator__in=list(to_score)
    ).values_list("pk", "evaluator"):
        scored[evaluator].append(reverse("evaluation:review", args=[pk]))
    return [
        {
            "user": user,
            "dashboard": reverse("core:dashboard"),
            "queue": reverse("evaluation:queue"),
            "to_score": to_score[user.pk],
            "scored": rng.sample(scored[user.pk], min(5, len(scored[user.pk]))),
        }
        for user in User.objects.filter(pk__in=list(to_score)).order_by("pk")
    ]


def _administrators(rng):
    call = Dossier.objects.filter(call__reference=MIX_REFERENCE).values_list("call", flat=True)[0]
    ranked = Dossier.objects.filter(call__reference=CALL_REFERENCE)
    bench_call = ranked.values_list("call", flat=True)[0]
    dossiers = list(ranked.values_list("pk", flat=True))
    contracts = list(Contract.objects.values_list("pk", flat=True))
    team = User.objects.filter(role=Role.ADMINISTRATOR, email__endswith=f"@{DOMAIN}")
    return [
        {
            "user": user,
            "dashboard": reverse("core:dashboard"),
            "ranking": reverse("evaluation:ranking", args=[bench_call]),
            "ranking_csv": reverse("evaluation:ranking_csv", args=[bench_call]),
            "programme": reverse("contracts:programme"),
            "calls": reverse("applications:backoffice_call_list"),
            "call_detail": reverse("applications:backoffice_call_detail", args=[call]),
            "call_edit": reverse("applications:backoffice_call_update", args=[call]),
            "dossiers": [
                reverse("applications:dossier_detail", args=[pk])
                for pk in rng.sample(dossiers, min(30, len(dossiers)))
            ],
            "contracts": [
                reverse("contracts:detail", args=[pk])
                for pk in rng.sample(contracts, min(20, len(contracts)))
            ],
        }
        for user in team.order_by("pk")
    ]


def plan(base_url, seed=7):
    """What Locust needs: every person of the mix with the cookies of a signed-in browser
    and the addresses of their own pages."""
    rng = random.Random(seed)  # noqa: S311 -- load pattern, not secrets  # nosec B311
    grid = Grid.objects.get(call__reference=EVALUATION_REFERENCE)
    people = {
        "director": _directors(),
        "evaluator": _evaluators(rng),
        "administrator": _administrators(rng),
    }
    for persons in people.values():
        for person in persons:
            user = person.pop("user")
            person["email"] = user.email
            person["cookies"] = session_cookies(user)
    return {
        "base_url": base_url,
        "think_seconds": list(THINK_SECONDS),
        "password": PASSWORD,
        "criteria": list(Criterion.objects.filter(grid=grid).values_list("pk", flat=True)),
        "scale_max": grid.scale_max,
        "people": people,
    }


def run(base_url, *, seconds):
    """Locust against `base_url` for `seconds` once every person has started."""
    WORK.mkdir(parents=True, exist_ok=True)
    people = plan(base_url)
    roles = {role: len(persons) for role, persons in people["people"].items()}
    users = sum(roles.values())
    plan_file = WORK / "mix-plan.json"
    plan_file.write_text(json.dumps(people))
    prefix = WORK / "mix"
    command = [
        str(Path(sys.executable).with_name("locust")),
        "-f",
        str(Path(__file__).with_name("locustfile.py")),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users / RAMP_SECONDS)),
        "--run-time",
        f"{RAMP_SECONDS + seconds}s",
        "--reset-stats",
        "--stop-timeout",
        "5",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    finished = subprocess.run(  # noqa: S603 -- our own locustfile  # nosec B603
        command,
        cwd=Path(__file__).parent,
        env={**os.environ, "BENCH_MIX_PLAN": str(plan_file)},
        capture_output=True,
        text=True,
        timeout=RAMP_SECONDS + seconds + 120,
        check=False,
    )
    (WORK / "locust.log").write_text(finished.stdout + finished.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise RuntimeError(f"Locust wrote no statistics; see {WORK / 'locust.log'}")
    results = summary(stats.read_text(), Path(f"{prefix}_failures.csv").read_text())
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return results | {
        "users": users,
        "roles": roles,
        "think_seconds": list(THINK_SECONDS),
        "seconds": seconds,
        "generator": f"Locust {version('locust')}",
        "generator_cpu_seconds": round(cpu, 1),
    }


def _number(value):
    return None if value in ("", "N/A") else float(value)


def _row(record):
    return {
        "name": record["Name"],
        "method": record["Type"],
        "requests": int(record["Request Count"]),
        "failures": int(record["Failure Count"]),
        "rps": round(float(record["Requests/s"]), 2),
        "p50_ms": _number(record["50%"]),
        "p95_ms": _number(record["95%"]),
        "p99_ms": _number(record["99%"]),
        "max_ms": _number(record["Max Response Time"]),
    }


def summary(stats_csv, failures_csv):
    """Locust's CSV statistics as the report's figures: one row per request name (the
    slowest p95 first), the whole, the share of writes, the errors and their causes."""
    records = list(csv.DictReader(stats_csv.splitlines()))
    total = next(_row(r) for r in records if r["Name"] == "Aggregated")
    rows = [_row(r) for r in records if r["Name"] != "Aggregated"]
    for row in rows:
        if row["name"] in NOT_JUDGED:
            row["judged"] = False
    rows.sort(key=lambda row: -(row["p95_ms"] or 0))
    writes = sum(row["requests"] for row in rows if row["method"] == "POST")
    errors = [
        {"name": r["Name"], "error": r["Error"], "occurrences": int(r["Occurrences"])}
        for r in csv.DictReader(failures_csv.splitlines())
    ]
    return {
        "requests": rows,
        "total": total,
        "requests_total": total["requests"],
        "rps": total["rps"],
        "failures": total["failures"],
        "writes_pct": round(100 * writes / total["requests"], 1) if total["requests"] else 0,
        "errors": errors,
        "notes": [
            f"Not held to the latency ceiling: {name} ({why})." for name, why in NOT_JUDGED.items()
        ],
    }
