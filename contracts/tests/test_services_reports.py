"""Annual reports: filed by the cluster, approved or sent back by the ministry; approval computes
the KPI achievement rate and releases the tranches it conditions, reduced or withheld below the
contract's threshold."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.tests.builders import pdf_file
from contracts.models import ReportStatus, TrancheCondition, TrancheStatus
from contracts.payouts import achievement_rate
from contracts.selectors import committed_under, report_missing
from contracts.services import drafting, lifecycle, reports
from contracts.services.reports import report_approve
from contracts.tests.factories import (
    active_contract,
    draft_contract,
    filed_report,
    render_versions,
)
from core.errors import ApplicationError
from core.journal import journal_for
from core.models import OutgoingMail

# The achievement rate


@pytest.mark.parametrize(
    ("pairs", "rate"),
    [
        ([(5, 10), (10, 10)], "75.00"),
        ([(20, 10), (0, 10)], "50.00"),  # 200 % counts as 100 %
        ([(3, 0), (5, 10)], "50.00"),  # a zero target says nothing of the rate
        ([(1, 3)], "33.33"),
        ([(2, 3)], "66.67"),
        ([(1, 8), (0, 1)], "6.25"),
        ([(0, 0)], "100"),
        ([], "100"),
    ],
)
def test_the_rate_is_the_mean_of_each_indicator_capped_at_100_percent(pairs, rate):
    assert achievement_rate(pairs) == Decimal(rate)


# Tranches released by approval


def tranche_states(contract):
    return {
        (t.year, t.position): (t.status, t.due_amount)
        for t in contract.tranches.order_by("year", "position")
    }


@pytest.mark.django_db
def test_approving_year_one_releases_its_second_tranche_and_year_twos_first(
    administrator, director
):
    contract = active_contract(administrator, director)
    report = filed_report(contract, director, year=1, share=Decimal("0.3"))

    report = report_approve(actor=administrator, report=report, comment="  Bon travail. ")

    assert report.status == ReportStatus.APPROVED
    assert report.review_comment == "Bon travail."
    assert report.reviewed_by == administrator and report.reviewed_at
    # Year 1's second tranche is tied to the report, not to the KPIs: paid in full even at 30 %.
    assert report.achievement_rate < Decimal("50")
    states = tranche_states(contract)
    assert states[(1, 2)] == (TrancheStatus.DUE, Decimal("800000.00"))
    assert states[(2, 1)] == (TrancheStatus.DUE, Decimal("1200000.00"))
    assert states[(2, 2)] == (TrancheStatus.PLANNED, None)
    assert states[(3, 1)] == (TrancheStatus.PLANNED, None)
    reviewed = OutgoingMail.objects.filter(template="report_reviewed")
    assert list(reviewed.values_list("to", flat=True)) == [director.email]
    assert journal_for(contract).filter(action="tranche.due").count() == 3


@pytest.mark.django_db
def test_a_year_two_report_below_the_threshold_reduces_the_kpi_tranche_in_proportion(
    administrator, director
):
    contract = active_contract(administrator, director)
    report_approve(actor=administrator, report=filed_report(contract, director, year=1))

    report = report_approve(
        actor=administrator,
        report=filed_report(contract, director, year=2, share=Decimal("0.4")),
    )

    # Year 2 targets 8, 2, 4, 20, 10; achieved 3, 0, 1, 8, 4.
    assert report.achievement_rate == Decimal("28.50")
    kpi = contract.tranches.get(year=2, position=2)
    assert kpi.condition == TrancheCondition.REPORT_KPI
    assert kpi.status == TrancheStatus.DUE
    assert kpi.achievement_rate == Decimal("28.50")
    assert kpi.due_amount == Decimal("228000.00")  # 800 000 × 28,50 %
    assert tranche_states(contract)[(3, 1)] == (TrancheStatus.DUE, Decimal("1200000.00"))
    assert tranche_states(contract)[(3, 2)] == (TrancheStatus.PLANNED, None)
    # The envelope counts what is now owed, not what was planned.
    assert committed_under(contract.call) == Decimal("10000000") - Decimal("572000")


@pytest.mark.django_db
def test_the_reduction_is_rounded_to_the_centime(administrator, director):
    contract = active_contract(administrator, director, amounts=[Decimal("1333333.33")] * 5)
    report_approve(actor=administrator, report=filed_report(contract, director, year=1))

    report = report_approve(
        actor=administrator, report=filed_report(contract, director, year=2, share=Decimal("0.4"))
    )

    kpi = contract.tranches.get(year=2, position=2)
    assert kpi.amount == Decimal("533333.33")
    expected = (kpi.amount * report.achievement_rate / 100).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    assert kpi.due_amount == expected == Decimal("152000.00")


@pytest.mark.django_db
def test_a_rate_exactly_at_the_threshold_releases_the_whole_tranche(administrator, director):
    contract = active_contract(administrator, director)
    report_approve(actor=administrator, report=filed_report(contract, director, year=1))

    report = report_approve(
        actor=administrator, report=filed_report(contract, director, year=2, share=Decimal("0.5"))
    )

    assert report.achievement_rate == Decimal("50.00")
    assert tranche_states(contract)[(2, 2)] == (TrancheStatus.DUE, Decimal("800000.00"))


def withholding_contract(administrator, director):
    """An active contract whose KPI tranches are withheld below a 60 % threshold."""
    contract = draft_contract(administrator, director=director)
    drafting.contract_update(
        actor=administrator,
        contract=contract,
        fields={"below_threshold": "withhold", "kpi_threshold": Decimal("60")},
    )
    lifecycle.version_request(actor=administrator, contract=contract, language="fr")
    render_versions(contract)
    contract = lifecycle.contract_send(actor=administrator, contract=contract)
    contract = lifecycle.contract_sign(actor=director, contract=contract, scan=pdf_file("s.pdf"))
    return lifecycle.contract_activate(
        actor=administrator, contract=contract, final_copy=pdf_file("f.pdf")
    )


@pytest.mark.django_db
def test_below_the_threshold_a_contract_that_says_so_withholds_the_kpi_tranche(
    administrator, director
):
    contract = withholding_contract(administrator, director)
    report_approve(actor=administrator, report=filed_report(contract, director, year=1))

    report_approve(
        actor=administrator, report=filed_report(contract, director, year=2, share=Decimal("0.5"))
    )

    kpi = contract.tranches.get(year=2, position=2)
    assert (kpi.status, kpi.due_amount, kpi.achievement_rate) == (
        TrancheStatus.WITHHELD,
        Decimal("0.00"),
        Decimal("50.00"),
    )
    assert journal_for(contract).filter(action="tranche.withhold").count() == 1
    assert committed_under(contract.call) == Decimal("10000000") - Decimal("800000")


@pytest.mark.django_db
def test_a_tranche_already_released_is_not_released_again(administrator, director):
    contract = active_contract(administrator, director)
    report = report_approve(actor=administrator, report=filed_report(contract, director))

    again = reports.tranches_release(
        actor=administrator, contract=contract, event="report", report=report
    )

    assert again == []
    assert journal_for(contract).filter(action="tranche.due").count() == 3


# Filing, sending back and approving


@pytest.mark.django_db
def test_an_incomplete_report_cannot_be_transmitted(administrator, director):
    contract = active_contract(administrator, director)
    report = reports.report_open(actor=director, contract=contract, year=1)
    commitment = contract.commitments.get(year=1, indicator="patents")
    reports.achievement_save(actor=director, report=report, commitment=commitment, achieved=2)

    with pytest.raises(ApplicationError) as error:
        reports.report_submit(actor=director, report=report)

    assert error.value.code == "incomplete"
    assert "le rapport d'activité" in error.value.message
    assert "le rapport financier" in error.value.message
    assert "« Start-ups créées »" in error.value.message
    assert "« Brevets »" not in error.value.message
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert len(report_missing(report)) == 2 + 4


@pytest.mark.django_db
def test_the_ministry_asks_for_changes_then_approves_the_report_filed_again(
    administrator, director
):
    contract = active_contract(administrator, director)
    report = filed_report(contract, director)
    assert OutgoingMail.objects.filter(template="report_submitted").count() == 1

    with pytest.raises(ApplicationError) as error:
        reports.report_request_changes(actor=administrator, report=report, comment=" ")
    assert error.value.field == "review_comment"

    report = reports.report_request_changes(
        actor=administrator, report=report, comment="Joignez les justificatifs des brevets."
    )
    assert report.status == ReportStatus.CHANGES_REQUESTED and report.is_editable
    assert OutgoingMail.objects.filter(template="report_reviewed").count() == 1
    assert contract.tranches.filter(status=TrancheStatus.DUE).count() == 1

    commitment = contract.commitments.get(year=1, indicator="patents")
    reports.achievement_save(
        actor=director,
        report=report,
        commitment=commitment,
        achieved=1,
        comment="Brevet déposé à l'OMPIC.",
        evidence=pdf_file("depot-brevet.pdf"),
    )
    report = reports.report_submit(actor=director, report=report)
    assert OutgoingMail.objects.filter(template="report_submitted").count() == 2

    report = report_approve(actor=administrator, report=report)
    assert report.status == ReportStatus.APPROVED
    line = report.achievements.get(commitment=commitment)
    assert line.evidence_name == "depot-brevet.pdf" and line.comment == "Brevet déposé à l'OMPIC."
    actions = [e.action for e in journal_for(contract).filter(action__startswith="report.")]
    assert actions == ["report.approve", "report.submit", "report.request_changes", "report.submit"]


@pytest.mark.django_db
def test_only_a_transmitted_report_is_reviewed_and_only_once(administrator, director):
    contract = active_contract(administrator, director)
    draft = reports.report_open(actor=director, contract=contract, year=1)

    with pytest.raises(ApplicationError) as error:
        report_approve(actor=administrator, report=draft)
    assert error.value.code == "not_submitted"

    report = report_approve(actor=administrator, report=filed_report(contract, director))
    for review in (
        lambda: report_approve(actor=administrator, report=report),
        lambda: reports.report_request_changes(actor=administrator, report=report, comment="x"),
    ):
        with pytest.raises(ApplicationError) as error:
            review()
        assert error.value.code == "not_submitted"
    with pytest.raises(ApplicationError) as error:
        reports.report_save(actor=director, report=report, comment="Après coup")
    assert error.value.code == "not_editable"


@pytest.mark.django_db
def test_only_an_administrator_reviews_a_report(administrator, director):
    contract = active_contract(administrator, director)
    report = filed_report(contract, director)

    with pytest.raises(ApplicationError) as error:
        report_approve(actor=director, report=report)

    assert error.value.code == "forbidden"
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


@pytest.mark.django_db
def test_a_year_opens_once_the_previous_report_is_transmitted(administrator, director):
    contract = active_contract(administrator, director)

    with pytest.raises(ApplicationError) as error:
        reports.report_open(actor=director, contract=contract, year=2)
    assert error.value.code == "previous_year"
    for year in (0, 6):
        with pytest.raises(ApplicationError) as error:
            reports.report_open(actor=director, contract=contract, year=year)
        assert error.value.code == "year"

    filed_report(contract, director, year=1)
    assert reports.report_open(actor=director, contract=contract, year=2).year == 2
    # Opening a year again gives the same report.
    first = reports.report_open(actor=director, contract=contract, year=1)
    assert first.status == ReportStatus.SUBMITTED
    assert contract.reports.count() == 2


@pytest.mark.django_db
def test_only_the_clusters_directors_report_on_a_contract_in_force(
    administrator, director, outsider
):
    contract = active_contract(administrator, director)

    for person in (outsider, administrator):
        with pytest.raises(ApplicationError) as error:
            reports.report_open(actor=person, contract=contract, year=1)
        assert error.value.code == "forbidden"
    lifecycle.contract_terminate(actor=administrator, contract=contract, reason="Fin anticipée")
    with pytest.raises(ApplicationError) as error:
        reports.report_open(actor=director, contract=contract, year=1)
    assert error.value.code == "not_active"


@pytest.mark.django_db
def test_achievements_are_checked(administrator, director):
    contract = active_contract(administrator, director)
    report = reports.report_open(actor=director, contract=contract, year=1)
    next_year = contract.commitments.filter(year=2).first()
    this_year = contract.commitments.filter(year=1).first()

    with pytest.raises(ApplicationError) as error:
        reports.achievement_save(actor=director, report=report, commitment=next_year, achieved=1)
    assert error.value.code == "mismatch"
    with pytest.raises(ApplicationError) as error:
        reports.achievement_save(actor=director, report=report, commitment=this_year, achieved=-1)
    assert error.value.field == "achieved"
    with pytest.raises(ApplicationError) as error:
        reports.achievement_save(
            actor=director,
            report=report,
            commitment=this_year,
            achieved=1,
            evidence=SimpleUploadedFile("preuve.exe", b"MZ\x90\x00", content_type="text/plain"),
        )
    assert error.value.field == "evidence"
    with pytest.raises(ApplicationError) as error:
        reports.report_save(
            actor=director,
            report=report,
            activity_report=SimpleUploadedFile("rapport.pdf", b"pas un PDF"),
        )
    assert error.value.field == "activity_report"

    line = reports.achievement_save(actor=director, report=report, commitment=this_year, achieved=3)
    again = reports.achievement_save(
        actor=director, report=report, commitment=this_year, achieved=4
    )
    assert again.pk == line.pk and again.achieved == 4
    assert report.achievements.count() == 1
