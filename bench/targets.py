"""What the benchmark measures: the seeded accounts, the pages, and the issue's target for each."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse

from applications.models import Call, Dossier
from contracts.models import Contract
from core.bench.plan import CALL_REFERENCE, DOMAIN

# The targets of issue 7, as shares of the baseline's requests per second (and p95 where set).
TARGETS = {
    "baseline": None,
    "public": {"min_share": 50, "max_p95_ms": None, "text": "≥ 50 % of baseline"},
    "signed_in": {"min_share": 10, "max_p95_ms": 150, "text": "≥ 10 % of baseline, p95 < 150 ms"},
    "programme": {"min_share": 3, "max_p95_ms": None, "text": "≥ 3 % of baseline"},
    "export": None,
}
# The deadline rush: every director's dossier in, none refused, no file lost, quick answers.
RUSH_TARGETS = {"clients": 300, "p99_ms": 2000}


@dataclass
class Page:
    name: str
    title: str
    account: str | None
    path: str
    target: str

    def describe(self):
        return {
            "page": self.name,
            "title": self.title,
            "path": self.path,
            "account": self.account,
            "target": self.target,
        }


def seeded():
    """The accounts to sign in (role -> user, a page that proves the login worked) and the
    pages, from the data `seed_bench` wrote."""
    users = get_user_model().objects
    # The director with the fullest space at any scale: a dossier selected, a contract in force.
    contract = Contract.objects.order_by("pk").select_related("cluster__owner").first()
    director = contract.cluster.owner
    evaluator = users.get(email=f"evaluateur000@{DOMAIN}")
    administrator = users.get(email=f"admin@{DOMAIN}")
    call = Call.objects.get(reference=CALL_REFERENCE)
    dossier = Dossier.objects.get(call=call, cluster__owner=director)
    dashboard = reverse("core:dashboard")
    people = {
        "director": (director, dashboard),
        "evaluator": (evaluator, dashboard),
        "administrator": (administrator, dashboard),
    }
    pages = [
        Page("baseline", "Baseline: bare Django view", None, "/bench/baseline/", "baseline"),
        Page(
            "call_page",
            "Public call page",
            None,
            reverse("applications:call_detail", args=[call.reference]),
            "public",
        ),
        Page("director_dashboard", "Director dashboard", "director", dashboard, "signed_in"),
        Page(
            "dossier",
            "Dossier page (its director)",
            "director",
            reverse("applications:dossier_detail", args=[dossier.pk]),
            "signed_in",
        ),
        Page(
            "evaluator_queue",
            "Evaluator queue",
            "evaluator",
            reverse("evaluation:queue"),
            "signed_in",
        ),
        Page(
            "ranking",
            "Ranking of the call",
            "administrator",
            reverse("evaluation:ranking", args=[call.pk]),
            "programme",
        ),
        Page(
            "programme_dashboard",
            "Programme dashboard",
            "administrator",
            reverse("contracts:programme"),
            "programme",
        ),
        Page(
            "ranking_csv",
            "Ranking CSV export",
            "administrator",
            reverse("evaluation:ranking_csv", args=[call.pk]),
            "export",
        ),
    ]
    return people, pages


def data_set():
    call = Call.objects.get(reference=CALL_REFERENCE)
    dossiers = Dossier.objects.filter(call=call).count()
    return {"call": CALL_REFERENCE, "dossiers": dossiers, "scale": dossiers / 1000}
