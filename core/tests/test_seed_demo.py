import pytest
from django.core.management import call_command

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from accounts.models import Role, User
from applications.models import Call, CallStatus, Cluster, Dossier
from evaluation.models import Decision, Review
from evaluation.selectors.ranking import ranking


@pytest.mark.django_db
def test_seed_demo_creates_one_account_per_role_and_is_idempotent(capsys):
    call_command("seed_demo")
    first = _snapshot()
    call_command("seed_demo")
    second = _snapshot()

    assert first == second
    assert {role for _password, role in second["users"].values()} == set(Role.values)
    printed = capsys.readouterr().out
    assert DEMO_PASSWORD in printed
    for email, _name, _role in DEMO_ACCOUNTS:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
        assert email in printed


def _snapshot():
    return {
        "users": {user.email: (user.password, user.role) for user in User.objects.all()},
        "calls": list(Call.objects.values_list("reference", "closes_at").order_by("reference")),
        "clusters": Cluster.objects.count(),
        "dossiers": list(Dossier.objects.values_list("reference", "status").order_by("reference")),
        "reviews": list(
            Review.objects.values_list("assignment__dossier__reference", "total").order_by("pk")
        ),
        "decisions": Decision.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_tells_the_programme_history():
    call_command("seed_demo")

    first_call = Call.objects.get(reference="aap-clusters-2011")
    acronyms = set(first_call.dossiers.values_list("cluster__acronym", flat=True))
    assert acronyms == {"MNC", "CE3M", "MMC", "Océanopôle"}
    assert set(first_call.dossiers.values_list("status", flat=True)) == {"selected"}
    assert first_call.status == CallStatus.RESULTS_PUBLISHED
    # 17 MDH for the four clusters, as the 2011 contracts said.
    assert sum(row.subsidy_requested for row in ranking(first_call)) == 17_000_000
    second = list(ranking(Call.objects.get(reference="aap-clusters-2024")))
    assert [row.divergent for row in second] == [False, True]
    assert Call.objects.get(reference="aap-clusters-2024").is_closed()
    open_calls = [call for call in Call.objects.all() if call.is_open()]
    assert len(open_calls) == 1
    draft = Dossier.objects.get(
        call=open_calls[0], cluster__owner__email="directeur@demo.clusters.ma"
    )
    assert draft.status == "draft"
    assert draft.perimeter
