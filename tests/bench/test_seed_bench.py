"""`seed_bench` at 1 % scale: the data set is what the services would have left, and the
pages the benchmark measures open for the accounts it creates."""

import hashlib
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.urls import reverse

from accounts.models import Role, User
from accounts.tests.factories import DirectorFactory
from applications.choices import ScanStatus
from applications.models import (
    Call,
    CallStatus,
    Cluster,
    ClusterMember,
    Dossier,
    DossierDocument,
    DossierStatus,
    Receipt,
)
from bench.data.plan import CALL_REFERENCE, DOMAIN
from contracts.models import AnnualReport, Contract, ContractStatus, ReportStatus, Tranche
from core.tests.client import page_text
from evaluation.models import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    Decision,
    ReviewStatus,
)
from evaluation.selectors.ranking import ineligibility_reason, ranking
from evaluation.selectors.reviews import review_weighted_total

pytestmark = pytest.mark.django_db

DECIDED = {DossierStatus.SELECTED, DossierStatus.WAITING_LIST, DossierStatus.REJECTED}


@pytest.fixture
def bench(db):
    call_command("seed_bench", "--scale", "0.01", "--seed", "3", stdout=io.StringIO())
    return Call.objects.get(reference=CALL_REFERENCE)


def test_one_percent_gives_ten_clusters_of_twenty_and_ten_submitted_dossiers(bench):
    # Beside them, the deadline rush's directors (tests/bench/test_rush.py).
    directors = User.objects.filter(role=Role.DIRECTOR, email__startswith="directeur")
    assert directors.filter(email__endswith=DOMAIN).count() == 10
    assert Cluster.objects.filter(owner__in=directors).count() == 10
    assert ClusterMember.objects.filter(cluster__owner__in=directors).count() == 200
    dossiers = Dossier.objects.filter(call=bench)
    assert dossiers.count() == 10
    assert all(d.status in DECIDED and d.submitted_at < bench.closes_at for d in dossiers)
    assert all(len(d.participants_snapshot) == 20 for d in dossiers)
    assert Receipt.objects.filter(dossier__call=bench).count() == 10
    assert bench.is_closed() and bench.status == CallStatus.RESULTS_PUBLISHED


def test_every_file_is_stored_with_the_fingerprint_of_its_bytes(bench):
    documents = DossierDocument.objects.filter(dossier__call=bench)
    mandatory = bench.required_documents.filter(mandatory=True).count()
    assert documents.count() == 10 * mandatory
    for document in documents:
        with default_storage.open(document.file.name, "rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF-")
        assert hashlib.sha256(content).hexdigest() == document.sha256
        assert document.size == len(content) and document.scan_status == ScanStatus.CLEAN
    receipt = Receipt.objects.filter(dossier__call=bench).first()
    by_hash = {d.sha256 for d in documents.filter(dossier=receipt.dossier)}
    assert {entry["sha256"] for entry in receipt.files} == by_hash


def test_three_submitted_reviews_score_every_criterion_with_the_services_total(bench):
    criteria = bench.grid.criteria.count()
    assert criteria == 9 and bench.grid.is_frozen
    for dossier in Dossier.objects.filter(call=bench):
        assignments = Assignment.objects.filter(dossier=dossier, status=AssignmentStatus.ACTIVE)
        assert assignments.values("evaluator").distinct().count() == 3
        for assignment in assignments:
            assert ConflictDeclaration.objects.filter(
                evaluator=assignment.evaluator, cluster=dossier.cluster, has_conflict=False
            ).exists()
            review = assignment.review
            assert review.status == ReviewStatus.SUBMITTED
            assert review.scores.count() == criteria
            assert review.total == review_weighted_total(review, bench.grid)


def test_selected_dossiers_are_eligible_within_the_envelope(bench):
    rows = list(ranking(bench))
    assert len(rows) == 10
    selected = [row for row in rows if row.decision.outcome == Decision.Outcome.SELECTED]
    assert len(selected) == 2
    assert all(ineligibility_reason(row, bench.grid) == "" for row in selected)
    assert sum(row.subsidy_requested for row in selected) == bench.budget_envelope


def test_two_contracts_of_five_years_whose_tranches_add_up_with_two_approved_reports(bench):
    contracts = Contract.objects.filter(call=bench)
    assert contracts.count() == 2
    for contract in contracts:
        assert contract.status == ContractStatus.ACTIVE and contract.years == 5
        assert contract.contract_years.count() == 5
        scheduled = contract.contract_years.aggregate(total=Sum("amount"))["total"]
        tranches = Tranche.objects.filter(contract=contract)
        assert tranches.count() == 10
        assert tranches.aggregate(total=Sum("amount"))["total"] == scheduled
        assert scheduled == contract.decision.subsidy_total
        assert contract.commitments.count() == 25
        reports = AnnualReport.objects.filter(contract=contract)
        assert sorted(reports.values_list("year", flat=True)) == [1, 2]
        assert all(r.status == ReportStatus.APPROVED and r.achievement_rate for r in reports)
        assert all(r.achievements.count() == 5 for r in reports)


def test_the_measured_pages_open_for_the_generated_accounts(bench, client):
    dossier = Dossier.objects.filter(call=bench).select_related("cluster__owner").first()
    evaluator = User.objects.filter(role=Role.EVALUATOR, email__endswith=DOMAIN).first()
    admin = User.objects.get(email=f"admin@{DOMAIN}")
    queued = Assignment.objects.filter(evaluator=evaluator).select_related("dossier").first()
    contract = Contract.objects.filter(call=bench).first()
    pages = [
        (dossier.cluster.owner, reverse("core:dashboard"), dossier.reference),
        (
            dossier.cluster.owner,
            reverse("applications:dossier_detail", kwargs={"pk": dossier.pk}),
            dossier.reference,
        ),
        (evaluator, reverse("evaluation:queue"), queued.dossier.reference),
        (admin, reverse("evaluation:ranking", args=[bench.pk]), dossier.reference),
        (admin, reverse("contracts:programme"), bench.title),
        (
            contract.cluster.owner,
            reverse("contracts:detail", args=[contract.pk]),
            contract.reference,
        ),
    ]
    for user, url, shown in pages:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        assert shown in page_text(response), url


def test_a_second_run_is_refused_and_a_reset_never_empties_a_real_database(bench):
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_bench", "--scale", "0.01")
    DirectorFactory(email="directrice@cluster-a.ma")
    with pytest.raises(CommandError, match="not the benchmark"):
        call_command("seed_bench", "--scale", "0.01", "--reset")
    assert Dossier.objects.filter(call=bench).count() == 10


def _fingerprint():
    """What the seed decided, independent of primary keys."""
    return sorted(
        (
            d.cluster.acronym,
            d.status,
            str(d.decision.subsidy_total),
            tuple(sorted(str(a.review.total) for a in d.assignments.all())),
        )
        for d in Dossier.objects.filter(call__reference=CALL_REFERENCE)
        .select_related("cluster", "decision")
        .prefetch_related("assignments__review")
    )


@pytest.fixture
def _content_types_forgotten():
    """The flush recreates the content types inside the test's transaction, which is rolled
    back: the ids cached meanwhile must not outlive the test."""
    yield
    ContentType.objects.clear_cache()


@pytest.mark.usefixtures("_content_types_forgotten")
def test_reset_empties_the_benchmark_database_and_the_same_seed_gives_the_same_data(bench):
    first = _fingerprint()
    old_files = list(DossierDocument.objects.values_list("file", flat=True))
    call_command("seed_bench", "--scale", "0.01", "--seed", "3", "--reset", stdout=io.StringIO())
    assert _fingerprint() == first
    assert Dossier.objects.filter(call__reference=CALL_REFERENCE).count() == 10
    call_command("seed_bench", "--scale", "0.01", "--seed", "4", "--reset", stdout=io.StringIO())
    assert _fingerprint() != first
    # The same seed gives the same file names; another seed's run finds the old files gone.
    assert not any(default_storage.exists(name) for name in old_files)
