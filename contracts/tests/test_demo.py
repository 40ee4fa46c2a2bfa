"""The demo replays the 2011 cohort: four 3-year contracts, 17 MDH, the texts' KPI figures, and
the reports of the first two years approved and paid."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from applications.choices import Indicator
from contracts.models import (
    AnnualReport,
    Contract,
    ContractStatus,
    ContractTerms,
    ContractVersion,
    KpiAchievement,
    KpiCommitment,
    Payment,
    ReportStatus,
    Tranche,
    TrancheCondition,
    TrancheStatus,
)
from core.models import JournalEntry


def _snapshot():
    return {
        "contracts": list(
            Contract.objects.values_list(
                "reference", "status", "start_date", "signed_at", "activated_at", "updated_at"
            ).order_by("reference")
        ),
        "tranches": list(
            Tranche.objects.values_list("pk", "status", "amount", "due_amount", "due_at").order_by(
                "pk"
            )
        ),
        "commitments": KpiCommitment.objects.count(),
        "versions": list(ContractVersion.objects.values_list("pk", "pdf").order_by("pk")),
        "reports": list(
            AnnualReport.objects.values_list("pk", "status", "achievement_rate").order_by("pk")
        ),
        "achievements": KpiAchievement.objects.count(),
        "payments": list(Payment.objects.values_list("pk", "amount", "paid_on").order_by("pk")),
        "terms": ContractTerms.objects.count(),
        "journal": JournalEntry.objects.count(),
    }


@pytest.mark.django_db
def test_the_demo_replays_the_2011_contracts_and_a_second_run_changes_nothing(capsys):
    call_command("seed_demo")
    first = _snapshot()
    call_command("seed_demo")

    assert _snapshot() == first
    contracts = Contract.objects.filter(call__reference="aap-clusters-2011")
    assert contracts.count() == 4
    assert set(contracts.values_list("cluster__acronym", flat=True)) == {
        "MNC",
        "CE3M",
        "MMC",
        "Océanopôle",
    }
    assert set(contracts.values_list("years", flat=True)) == {3}
    assert set(contracts.values_list("start_date", flat=True)) == {date(2011, 9, 6)}
    assert set(contracts.values_list("status", flat=True)) == {ContractStatus.ACTIVE}
    tranches = Tranche.objects.filter(contract__in=contracts)
    assert tranches.aggregate(total=Sum("amount"))["total"] == Decimal("17000000.00")
    commitments = dict(
        KpiCommitment.objects.filter(contract__in=contracts)
        .values("indicator")
        .annotate(total=Sum("target"))
        .values_list("indicator", "total")
    )
    assert commitments[Indicator.RD_PROJECTS] == 81
    assert commitments[Indicator.PATENTS] == 28
    assert commitments[Indicator.STARTUPS] == 24
    assert commitments[Indicator.RD_JOBS] == 266
    assert commitments[Indicator.TRAININGS] > 0
    for contract in contracts:
        assert contract.signed_scan and contract.final_copy
        assert set(
            contract.reports.filter(status=ReportStatus.APPROVED).values_list("year", flat=True)
        ) == {1, 2}
        assert not contract.versions.filter(pdf="").exists()
    # Every tranche released so far was paid, in 2011-2013; year 3's second tranche waits.
    assert not tranches.filter(status=TrancheStatus.DUE).exists()
    assert tranches.filter(year=3, position=2, status=TrancheStatus.PLANNED).count() == 4
    paid_on = Payment.objects.filter(tranche__contract__in=contracts).values_list(
        "paid_on", flat=True
    )
    assert {day.year for day in paid_on} == {2011, 2012, 2013}
    # MMC missed the threshold in year 2: its KPI tranche was reduced in proportion.
    reduced = tranches.get(
        contract__cluster__acronym="MMC", year=2, condition=TrancheCondition.REPORT_KPI
    )
    assert reduced.achievement_rate < Decimal("50")
    assert reduced.due_amount == (reduced.amount * reduced.achievement_rate / 100).quantize(
        Decimal("0.01")
    )
    assert reduced.payment.amount == reduced.due_amount
    demo_terms = ContractTerms.objects.filter(call__reference="aap-clusters-2011")
    assert demo_terms.count() == 3
    # Each language's model contract from the catalogues, not a copy of the French.
    titles = dict(demo_terms.values_list("language", "title"))
    assert titles["ar"] == "عقد-برنامج لدعم التجمع"
    assert titles["en"] == "Programme contract to support the cluster"
    first = Contract.objects.filter(call__reference="aap-clusters-2011").first()
    assert first.representative_title_ar == "مدير هيكل التنشيط"
    assert first.ministry_representative_en == "The Minister of Industry and Trade"
    assert "2011 contracts: 4 active" in capsys.readouterr().out
