import importlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from applications.models import BudgetYear, DossierStatus
from applications.tests.factories import CallFactory, DossierFactory
from evaluation.models import Consensus, ReviewSummary
from evaluation.selectors.ranking import ranking
from evaluation.services.grid import grid_ensure
from evaluation.tests.factories import evaluated

ALL_FOUR = [4] * 9  # 100 / 100
ALL_THREE = [3] * 9  # 75 / 100
ALL_TWO = [2] * 9  # 50 / 100


@pytest.fixture
def call():
    call = CallFactory(
        closes_at=timezone.now() - timedelta(days=1), opens_at=timezone.now() - timedelta(days=60)
    )
    grid_ensure(call=call)
    return call


def _dossier(call, submitted_minutes_ago, subsidy=Decimal("2000000")):
    dossier = DossierFactory(
        call=call,
        status=DossierStatus.UNDER_EVALUATION,
        submitted_at=timezone.now() - timedelta(minutes=submitted_minutes_ago),
    )
    BudgetYear.objects.bulk_create(
        BudgetYear(dossier=dossier, year=year, animation_budget=subsidy, subsidy_requested=subsidy)
        for year in range(1, 6)
    )
    return dossier


@pytest.mark.django_db
def test_ranking_orders_by_mean_and_flags_divergence(call, administrator):
    strong = evaluated(_dossier(call, 10), ALL_FOUR, ALL_THREE)  # 87.5, spread 25
    medium = evaluated(_dossier(call, 20), ALL_THREE, ALL_THREE)  # 75
    weak = evaluated(_dossier(call, 30), ALL_TWO, ALL_TWO)  # 50: under 60

    rows = list(ranking(call))

    assert [row.pk for row in rows] == [strong.pk, medium.pk, weak.pk]
    assert rows[0].final_score == Decimal("87.50")
    assert rows[0].divergent and not rows[1].divergent
    assert [row.eligible for row in rows] == [True, True, False]
    assert [row.cumulative_requested for row in rows] == [
        Decimal("10000000"),
        Decimal("20000000"),
        Decimal("30000000"),
    ]


@pytest.mark.django_db
def test_consensus_replaces_the_mean(call, administrator):
    first = evaluated(_dossier(call, 10), ALL_FOUR, ALL_THREE)
    second = evaluated(_dossier(call, 20), ALL_THREE, ALL_THREE)
    Consensus.objects.create(
        dossier=first, score=Decimal("70"), justification="Arbitrage", decided_by=administrator
    )

    rows = list(ranking(call))

    assert [row.pk for row in rows] == [second.pk, first.pk]
    assert rows[1].final_score == Decimal("70")


@pytest.mark.django_db
def test_one_weak_criterion_makes_a_dossier_ineligible(call):
    notes = [4] * 9
    notes[0] = 1  # 1 / 4 = 25 % of the maximum, under the 40 % minimum
    dossier = evaluated(_dossier(call, 10), notes, notes)

    row = ranking(call).get(pk=dossier.pk)

    assert row.final_score > 60
    assert row.below_minimum
    assert not row.eligible


@pytest.mark.django_db
def test_ties_go_to_the_earlier_submission(call):
    later = evaluated(_dossier(call, 5), ALL_THREE)
    earlier = evaluated(_dossier(call, 50), ALL_THREE)

    assert [row.pk for row in ranking(call)] == [earlier.pk, later.pk]


@pytest.mark.django_db
def test_ranking_is_one_query_whatever_the_number_of_dossiers(call, django_assert_num_queries):
    for minutes in range(12):
        evaluated(_dossier(call, minutes), ALL_THREE, ALL_FOUR, ALL_TWO)

    with django_assert_num_queries(1):
        rows = list(ranking(call))

    assert len(rows) == 12


@pytest.mark.django_db
def test_the_migration_fills_the_summaries_the_review_service_keeps(call):
    weak = [4] * 9
    weak[0] = 0
    evaluated(_dossier(call, 10), weak, ALL_THREE)
    evaluated(_dossier(call, 20), ALL_FOUR)
    _dossier(call, 30)
    kept = list(ReviewSummary.objects.order_by("pk").values())
    ReviewSummary.objects.all().delete()

    migration = importlib.import_module("evaluation.migrations.0002_review_summary")
    migration.summaries_backfill(django_apps, None)

    assert len(kept) == 2
    assert list(ReviewSummary.objects.order_by("pk").values()) == kept
