"""Generating a contract from a selected dossier, and editing the draft's schedule and KPI
commitments: prefilled from the dossier, always adding up, always within the envelope."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.choices import Indicator
from applications.models import CallStatus, KpiTarget
from contracts.models import (
    Contract,
    ContractVersion,
    KpiCommitment,
    Tranche,
    TrancheCondition,
)
from contracts.selectors import committed_under, latest_version
from contracts.services import lifecycle
from contracts.services.drafting import commitments_update, contract_update, schedule_update
from contracts.services.generation import contract_generate
from contracts.tests.factories import (
    decided_call,
    draft_contract,
    render_versions,
    selected_decision,
)
from core.errors import ApplicationError
from core.journal import journal_for
from evaluation.models import Decision

pytestmark = pytest.mark.django_db


def unrendered_draft(administrator, **decision_fields):
    """A draft whose PDF is left unrendered: these tests never send it (faster)."""
    decision = selected_decision(decided_by=administrator, **decision_fields)
    return contract_generate(actor=administrator, decision=decision)


def words(text):
    """The message with every kind of space (non-breaking in amounts) as one plain space."""
    return " ".join(text.split())


# Generation, prefilled from the dossier


def test_a_generated_contract_takes_the_dossiers_request_capped_by_the_calls_maximum(
    administrator, director
):
    call = decided_call(edition_year=2027, max_annual_subsidy=Decimal("2000000"))
    decision = selected_decision(
        director=director,
        call=call,
        amounts=[
            Decimal("2500000"),
            Decimal("1800000"),
            Decimal("2000000"),
            Decimal("1000000.01"),
            Decimal("0"),
        ],
    )

    contract = contract_generate(
        actor=administrator, decision=decision, start_date=date(2027, 1, 15)
    )

    years = list(contract.contract_years.order_by("year").values_list("year", "amount"))
    assert years == [
        (1, Decimal("2000000.00")),
        (2, Decimal("1800000.00")),
        (3, Decimal("2000000.00")),
        (4, Decimal("1000000.01")),
        (5, Decimal("0.00")),
    ]
    for year, amount in years:
        parts = contract.tranches.filter(year=year).order_by("position")
        assert sum(part.amount for part in parts) == amount
    assert contract.reference == "CP-2027-001"
    assert contract.status == "draft"
    assert contract.years == call.contract_years == 5
    assert contract.legal_name == decision.dossier.cluster.name
    assert contract.representative_name == decision.dossier.cluster.director_name
    assert contract.kpi_threshold == Decimal("50")
    # Each year's report is due a month after the anniversary of the start date.
    assert contract.contract_years.get(year=1).report_due_on == date(2028, 2, 14)
    assert contract.contract_years.get(year=5).report_due_on == date(2032, 2, 14)
    assert [entry.action for entry in journal_for(contract)] == [
        "contract.version",
        "contract.generate",
    ]


def test_a_generated_contract_splits_each_year_60_40_with_the_right_conditions(administrator):
    contract = unrendered_draft(administrator)

    tranches = list(contract.tranches.values_list("year", "position", "amount", "condition"))
    assert tranches[:4] == [
        (1, 1, Decimal("1200000.00"), TrancheCondition.SIGNATURE),
        (1, 2, Decimal("800000.00"), TrancheCondition.REPORT),
        (2, 1, Decimal("1200000.00"), TrancheCondition.PREVIOUS_REPORT),
        (2, 2, Decimal("800000.00"), TrancheCondition.REPORT_KPI),
    ]
    assert len(tranches) == 10


@pytest.mark.parametrize(
    "amount",
    ["1000000.01", "1375000", "1999999.99", "333333.33", "0.01", "0.05", "1234567.89"],
)
def test_the_60_40_split_adds_up_to_the_centime(administrator, amount):
    call = decided_call(contract_years=3)
    amount = Decimal(amount)
    contract = contract_generate(
        actor=administrator, decision=selected_decision(call=call, amounts=[amount] * 3)
    )

    for year in (1, 2, 3):
        first, second = contract.tranches.filter(year=year).order_by("position")
        assert first.amount + second.amount == amount
        assert abs(first.amount - amount * Decimal("0.6")) <= Decimal("0.01")
        assert first.amount == first.amount.quantize(Decimal("0.01"))
    assert sum(t.amount for t in contract.tranches.all()) == amount * 3


def test_a_generated_contract_copies_the_dossiers_kpi_targets(administrator):
    decision = selected_decision()
    contract = contract_generate(actor=administrator, decision=decision)

    expected = set(
        KpiTarget.objects.filter(dossier=decision.dossier).values_list(
            "indicator", "year", "target"
        )
    )
    copied = set(contract.commitments.values_list("indicator", "year", "target"))
    assert copied == expected
    assert len(copied) == 25
    assert contract.commitments.get(indicator=Indicator.RD_JOBS, year=3).target == 30


def test_targets_beyond_the_contracts_years_are_left_out(administrator):
    call = decided_call(contract_years=3)
    decision = selected_decision(call=call, amounts=[Decimal("1000000")] * 3)
    KpiTarget.objects.create(
        dossier=decision.dossier, indicator=Indicator.PATENTS, year=4, target=9
    )

    contract = contract_generate(actor=administrator, decision=decision)

    assert set(contract.commitments.values_list("year", flat=True)) == {1, 2, 3}


def test_generation_queues_a_french_version_and_creates_the_calls_terms(administrator):
    contract = contract_generate(actor=administrator, decision=selected_decision())

    version = ContractVersion.objects.get(contract=contract)
    assert (version.number, version.language, version.pdf.name) == (1, "fr", "")
    assert contract.call.contract_terms.filter(language="fr").exists()
    render_versions(contract)
    assert latest_version(contract).pdf


def test_the_start_date_is_today_unless_given(administrator):
    contract = contract_generate(actor=administrator, decision=selected_decision())

    assert contract.start_date == timezone.localdate()


def test_references_follow_each_other_within_a_call(administrator):
    call = decided_call(edition_year=2031, budget_envelope=Decimal("40000000"))
    first = contract_generate(actor=administrator, decision=selected_decision(call=call))
    second = contract_generate(actor=administrator, decision=selected_decision(call=call))

    assert (first.reference, second.reference) == ("CP-2031-001", "CP-2031-002")


# Generation refused


@pytest.mark.parametrize("outcome", [Decision.Outcome.WAITING_LIST, Decision.Outcome.REJECTED])
def test_a_dossier_not_selected_gets_no_contract(administrator, outcome):
    decision = selected_decision()
    Decision.objects.filter(pk=decision.pk).update(outcome=outcome)
    decision.refresh_from_db()

    with pytest.raises(ApplicationError) as error:
        contract_generate(actor=administrator, decision=decision)

    assert error.value.code == "not_selected"
    assert not Contract.objects.exists()


def test_no_contract_before_the_results_are_published(administrator):
    decision = selected_decision(call=decided_call(status=CallStatus.PUBLISHED))

    with pytest.raises(ApplicationError) as error:
        contract_generate(actor=administrator, decision=decision)

    assert error.value.code == "unpublished"
    assert not Contract.objects.exists()


def test_a_dossier_gets_one_contract_only(administrator):
    decision = selected_decision()
    contract_generate(actor=administrator, decision=decision)

    with pytest.raises(ApplicationError) as error:
        contract_generate(actor=administrator, decision=decision)

    assert error.value.code == "exists"
    assert Contract.objects.count() == 1


def test_a_contract_that_would_exceed_the_envelope_is_refused_and_nothing_is_kept(
    administrator,
):
    call = decided_call(budget_envelope=Decimal("15000000"))
    contract_generate(actor=administrator, decision=selected_decision(call=call))
    second = selected_decision(call=call)

    with pytest.raises(ApplicationError) as error:
        contract_generate(actor=administrator, decision=second)

    assert error.value.code == "envelope"
    assert "engageraient 20 000 000,00 MAD pour une enveloppe de 15 000 000,00 MAD" in words(
        error.value.message
    )
    assert Contract.objects.count() == 1
    assert Tranche.objects.count() == 10


def test_the_envelope_can_be_used_to_the_centime(administrator):
    call = decided_call(budget_envelope=Decimal("20000000.00"))
    contract_generate(actor=administrator, decision=selected_decision(call=call))
    contract_generate(actor=administrator, decision=selected_decision(call=call))

    assert committed_under(call) == call.budget_envelope


def test_only_an_administrator_generates_a_contract(director, evaluator, committee_member):
    decision = selected_decision()
    for person in (director, evaluator, committee_member):
        with pytest.raises(ApplicationError) as error:
            contract_generate(actor=person, decision=decision)
        assert error.value.code == "forbidden"
    assert not Contract.objects.exists()


# The draft's parties and dates


def test_changing_the_start_date_moves_the_report_due_dates(administrator):
    contract = unrendered_draft(administrator)

    contract_update(actor=administrator, contract=contract, fields={"start_date": date(2030, 3, 1)})

    due = list(contract.contract_years.order_by("year").values_list("report_due_on", flat=True))
    assert due[0] == date(2031, 3, 31)
    assert due[4] == date(2035, 3, 31)
    assert journal_for(contract).filter(action="contract.update").exists()


def test_a_threshold_above_100_percent_is_refused(administrator):
    contract = unrendered_draft(administrator)

    with pytest.raises(ApplicationError) as error:
        contract_update(
            actor=administrator, contract=contract, fields={"kpi_threshold": Decimal("120")}
        )

    assert error.value.field == "kpi_threshold"
    contract.refresh_from_db()
    assert contract.kpi_threshold == Decimal("50")


def test_a_contract_sent_for_signature_can_no_longer_be_edited(administrator):
    contract = draft_contract(administrator)
    lifecycle.contract_send(actor=administrator, contract=contract)

    for change in (
        lambda: contract_update(
            actor=administrator, contract=contract, fields={"legal_name": "Autre"}
        ),
        lambda: schedule_update(
            actor=administrator,
            contract=contract,
            tranches=[
                {"year": y, "amount": Decimal("1"), "condition": "report"} for y in range(1, 6)
            ],
        ),
        lambda: commitments_update(actor=administrator, contract=contract, commitments=[]),
    ):
        with pytest.raises(ApplicationError) as error:
            change()
        assert error.value.code == "not_draft"


# The subsidy schedule


def schedule(*lines):
    return [
        {"year": year, "amount": Decimal(amount), "condition": condition}
        for year, amount, condition in lines
    ]


FIVE_YEARS = schedule(
    (1, "500000.00", "signature"),
    (1, "500000.00", "report"),
    (1, "250000.50", "report"),
    (2, "1000000", "previous_report"),
    (3, "1500000", "previous_report"),
    (3, "499999.99", "report_kpi"),
    (4, "2000000", "report"),
    (5, "0", "report"),
)


def test_a_schedule_update_replaces_the_tranches_and_the_years_add_up(administrator):
    contract = unrendered_draft(administrator)

    schedule_update(actor=administrator, contract=contract, tranches=FIVE_YEARS)

    years = dict(contract.contract_years.values_list("year", "amount"))
    assert years == {
        1: Decimal("1250000.50"),
        2: Decimal("1000000.00"),
        3: Decimal("1999999.99"),
        4: Decimal("2000000.00"),
        5: Decimal("0.00"),
    }
    positions = list(contract.tranches.filter(year=1).values_list("position", "amount"))
    assert positions == [
        (1, Decimal("500000.00")),
        (2, Decimal("500000.00")),
        (3, Decimal("250000.50")),
    ]
    assert committed_under(contract.call) == Decimal("6250000.49")
    entry = journal_for(contract).get(action="contract.schedule_update")
    assert (entry.data["before"], entry.data["after"]) == ("10000000.00", "6250000.49")


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        (schedule((6, "1", "report")), "year"),
        (schedule((1, "-1", "report")), "amount"),
        (schedule((1, "0.001", "report")), "amount"),
        (schedule((1, "1", "whenever")), "condition"),
    ],
)
def test_a_schedule_line_out_of_the_rules_is_refused(administrator, lines, field):
    contract = unrendered_draft(administrator)
    rest = schedule(*[(year, "1000", "report") for year in range(2, 6)])

    with pytest.raises(ApplicationError) as error:
        schedule_update(actor=administrator, contract=contract, tranches=lines + rest)

    assert error.value.field == field
    assert contract.tranches.count() == 10


def test_every_year_needs_a_tranche(administrator):
    contract = unrendered_draft(administrator)

    with pytest.raises(ApplicationError) as error:
        schedule_update(actor=administrator, contract=contract, tranches=FIVE_YEARS[:-1])

    assert "L'année 5" in error.value.message


def test_a_year_above_the_calls_maximum_is_refused(administrator):
    contract = unrendered_draft(administrator)
    lines = schedule((1, "1500000", "signature"), (1, "500000.01", "report")) + FIVE_YEARS[3:]

    with pytest.raises(ApplicationError) as error:
        schedule_update(actor=administrator, contract=contract, tranches=lines)

    assert "totalise 2 000 000,01 MAD" in words(error.value.message)
    assert contract.contract_years.get(year=1).amount == Decimal("2000000.00")


def test_a_schedule_that_would_exceed_the_envelope_is_refused_and_the_old_one_stays(
    administrator,
):
    call = decided_call(budget_envelope=Decimal("18000000"))
    first = unrendered_draft(administrator, call=call, amounts=[Decimal("1800000")] * 5)
    second = unrendered_draft(administrator, call=call, amounts=[Decimal("1000000")] * 5)
    more = schedule(*[(year, "2000000", "report") for year in range(1, 6)])

    with pytest.raises(ApplicationError) as error:
        schedule_update(actor=administrator, contract=second, tranches=more)

    assert error.value.code == "envelope"
    assert sum(t.amount for t in second.tranches.all()) == Decimal("5000000")
    assert second.contract_years.get(year=1).amount == Decimal("1000000")
    # Lowering the other contract frees room: then the same change passes.
    schedule_update(
        actor=administrator,
        contract=first,
        tranches=schedule(*[(year, "1000000", "report") for year in range(1, 6)]),
    )
    schedule_update(actor=administrator, contract=second, tranches=more)
    assert committed_under(call) == Decimal("15000000")


# KPI commitments


def test_commitments_update_replaces_the_targets_with_custom_indicators(administrator):
    contract = unrendered_draft(administrator)

    commitments_update(
        actor=administrator,
        contract=contract,
        commitments=[
            {"indicator": Indicator.PATENTS, "year": 1, "target": 2},
            {"indicator": Indicator.PATENTS, "year": 2, "target": 3},
            {
                "indicator": "custom",
                "label": "  Entreprises exportatrices ",
                "year": 1,
                "target": 5,
            },
            {"indicator": "custom", "label": "Membres adhérents", "year": 1, "target": 40},
            {"indicator": "custom", "label": "Membres adhérents", "year": 2, "target": 0},
        ],
    )

    rows = set(contract.commitments.values_list("indicator", "label", "year", "target"))
    assert rows == {
        ("patents", "", 1, 2),
        ("patents", "", 2, 3),
        ("custom", "Entreprises exportatrices", 1, 5),
        ("custom", "Membres adhérents", 1, 40),
        ("custom", "Membres adhérents", 2, 0),
    }
    assert {c.name for c in contract.commitments.all()} == {
        "Brevets",
        "Entreprises exportatrices",
        "Membres adhérents",
    }


def test_a_label_given_to_a_programme_indicator_is_dropped(administrator):
    contract = unrendered_draft(administrator)

    commitments_update(
        actor=administrator,
        contract=contract,
        commitments=[{"indicator": Indicator.STARTUPS, "label": "Autre", "year": 1, "target": 1}],
    )

    assert contract.commitments.get().label == ""


@pytest.mark.parametrize(
    "line",
    [
        {"indicator": "custom", "label": " ", "year": 1, "target": 1},
        {"indicator": Indicator.PATENTS, "year": 6, "target": 1},
        {"indicator": Indicator.PATENTS, "year": 0, "target": 1},
        {"indicator": Indicator.PATENTS, "year": 1, "target": -1},
        {"indicator": "unknown", "year": 1, "target": 1},
    ],
)
def test_a_commitment_out_of_the_rules_is_refused_and_the_old_ones_stay(administrator, line):
    contract = unrendered_draft(administrator)

    with pytest.raises(ApplicationError):
        commitments_update(actor=administrator, contract=contract, commitments=[line])

    assert KpiCommitment.objects.filter(contract=contract).count() == 25


def test_the_same_indicator_twice_in_a_year_is_refused(administrator):
    contract = unrendered_draft(administrator)
    line = {"indicator": "custom", "label": "Exportations", "year": 2, "target": 1}

    with pytest.raises(ApplicationError) as error:
        commitments_update(actor=administrator, contract=contract, commitments=[line, line])

    assert "l'année 2" in error.value.message


def test_the_first_year_cannot_wait_for_a_previous_report(administrator):
    contract = draft_contract(administrator, amounts=[Decimal("1000000")] * 5)
    lines = [
        {"year": t.year, "amount": t.amount, "condition": t.condition}
        for t in contract.tranches.all()
    ]
    lines[0]["condition"] = TrancheCondition.PREVIOUS_REPORT

    with pytest.raises(ApplicationError) as error:
        schedule_update(actor=administrator, contract=contract, tranches=lines)
    assert error.value.field == "condition"


@pytest.mark.parametrize("start", [date(9999, 12, 31), date(1900, 1, 1)])
def test_an_implausible_start_date_is_refused_with_a_message(administrator, start):
    contract = draft_contract(administrator)

    with pytest.raises(ApplicationError) as error:
        contract_update(actor=administrator, contract=contract, fields={"start_date": start})
    assert error.value.field == "start_date"
