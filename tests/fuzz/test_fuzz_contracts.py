"""Fuzzing the contracts' forms: the draft, the subsidy schedule, the KPI commitments, the model
contract, the lifecycle reasons, the annual report, its review and the payments."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from contracts.defaults import TERMS
from contracts.forms.drafting import CommitmentsForm, ContractDraftForm
from contracts.models import (
    BelowThreshold,
    Contract,
    KpiAchievement,
    KpiCommitment,
    Payment,
    Tranche,
    TrancheCondition,
    TrancheStatus,
)
from contracts.services.generation import contract_generate
from contracts.services.terms import terms_ensure
from contracts.tests.factories import active_contract, filed_report, selected_decision

from .conftest import fuzz_post, logged_in
from .strategies import (
    hostile_choice,
    hostile_date,
    hostile_number,
    hostile_text,
    mutated,
)

pytestmark = pytest.mark.django_db

CONDITIONS = TrancheCondition.values


@pytest.fixture
def draft(administrator):
    decision = selected_decision(decided_by=administrator)
    return contract_generate(actor=administrator, decision=decision)


@pytest.fixture
def active(administrator, director):
    return active_contract(administrator, director)


DRAFT_VALID = {
    "start_date": "2026-01-01",
    "legal_name": "Association Cluster Solaire",
    "representative_name": "Salma Bennani",
    "representative_title_fr": "Présidente",
    "ministry_representative_fr": "Le ministre",
    "kpi_threshold": "50",
    "below_threshold": "reduce",
}
DRAFT_HOSTILE = {
    "start_date": hostile_date(),
    "legal_name": hostile_text(),
    "representative_name": hostile_text(),
    "representative_title_fr": hostile_text(),
    "representative_title_ar": hostile_text(),
    "ministry_representative_fr": hostile_text(),
    "kpi_threshold": hostile_number(),
    "below_threshold": hostile_choice(BelowThreshold.values),
}


@given(data=mutated(DRAFT_VALID, DRAFT_HOSTILE))
@example(data={**DRAFT_VALID, "start_date": "9999-12-31"})
@example(data={**DRAFT_VALID, "start_date": "0001-01-01"})
def test_contract_draft_form(administrator, draft, data):
    def accepted(response):
        form = ContractDraftForm(data, instance=Contract.objects.get(pk=draft.pk))
        assert form.is_valid(), form.errors
        saved = Contract.objects.get(pk=draft.pk)
        for name in ("start_date", "legal_name", "kpi_threshold", "below_threshold"):
            assert getattr(saved, name) == form.cleaned_data[name]

    url = reverse("contracts:draft_update", args=[draft.pk])
    fuzz_post(logged_in(administrator), url, data, objects=[draft], accepted=accepted)


def _line(index, year, amount, condition, delete):
    return {
        f"tranches-{index}-year": year,
        f"tranches-{index}-amount": amount,
        f"tranches-{index}-condition": condition,
        **({f"tranches-{index}-DELETE": "on"} if delete else {}),
    }


def _schedule_post(draft, changes, extra, total):
    """The stored schedule as the page posts it, with some cells changed and lines added."""
    lines = [
        [str(t.year), str(t.amount), t.condition, False]
        for t in draft.tranches.order_by("year", "position")
    ]
    stored = len(lines)
    for index, column, value in changes:
        lines[index % len(lines)][column] = value
    lines += [list(line) for line in extra]
    data = {
        "tranches-TOTAL_FORMS": str(len(lines)) if total is None else total,
        # As the page sends it: the stored lines are initial forms, validated even unchanged.
        "tranches-INITIAL_FORMS": str(stored),
        "tranches-MIN_NUM_FORMS": "0",
        "tranches-MAX_NUM_FORMS": "200",
    }
    for index, line in enumerate(lines):
        data.update(_line(index, *line))
    return data


cell_changes = st.lists(
    st.tuples(
        st.integers(0, 20),
        st.sampled_from([0, 1, 2, 3]),
        st.one_of(hostile_number(), hostile_choice(CONDITIONS), st.booleans()),
    ),
    max_size=3,
)
extra_lines = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(["1", "2", "5"]), hostile_number()),
        st.one_of(st.sampled_from(["100000", "1 200 000,50", "", "0"]), hostile_number()),
        st.one_of(st.sampled_from(CONDITIONS), hostile_choice(CONDITIONS)),
        st.booleans(),
    ),
    max_size=3,
)


@given(changes=cell_changes, extra=extra_lines, total=st.one_of(st.none(), hostile_number()))
@example(changes=[(0, 1, "1e30")], extra=[], total=None)
@example(changes=[(0, 0, "99999999999")], extra=[], total=None)
@example(changes=[(0, 1, "sNaN")], extra=[], total=None)
@example(changes=[], extra=[("2", "100000", "report", False)], total=None)
def test_schedule_formset(administrator, draft, changes, extra, total):
    data = _schedule_post(draft, changes, extra, total)

    def accepted(response):
        for tranche in Tranche.objects.filter(contract=draft):
            assert tranche.amount == tranche.amount.quantize(Decimal("0.01"))
            assert 0 <= tranche.amount <= draft.call.max_annual_subsidy
            assert 1 <= tranche.year <= draft.years
            assert tranche.condition in CONDITIONS

    url = reverse("contracts:schedule", args=[draft.pk])
    fuzz_post(logged_in(administrator), url, data, objects=[draft], accepted=accepted)


commitment_cells = st.dictionaries(
    st.one_of(
        st.sampled_from(["rd_projects", "patents", "startups", "rd_jobs", "trainings"]).flatmap(
            lambda indicator: st.sampled_from([f"{indicator}-{year}" for year in range(7)])
        ),
        st.integers(0, 4).flatmap(
            lambda row: st.sampled_from(
                [f"custom-{row}-label"] + [f"custom-{row}-{y}" for y in range(1, 6)]
            )
        ),
    ),
    st.one_of(st.sampled_from(["", "0", "3", "120"]), hostile_number(), hostile_text(max_size=200)),
    max_size=12,
)


@given(cells=commitment_cells, rows=st.one_of(st.just("3"), hostile_number()))
@example(cells={"patents-1": "2147483648"}, rows="3")
@example(cells={"custom-0-label": "Brevets", "custom-0-1": "9" * 12}, rows="3")
def test_commitments_grid(administrator, draft, cells, rows):
    data = {"custom_rows": rows, **cells}

    def accepted(response):
        form = CommitmentsForm(data, years=range(1, draft.years + 1))
        assert form.is_valid(), form.errors
        stored = {
            (c.indicator, c.label, c.year): c.target
            for c in KpiCommitment.objects.filter(contract=draft)
        }
        expected = {
            (c["indicator"], c["label"], c["year"]): c["target"] for c in form.commitments()
        }
        assert stored == expected

    url = reverse("contracts:commitments", args=[draft.pk])
    fuzz_post(logged_in(administrator), url, data, objects=[draft], accepted=accepted)


def test_a_target_too_large_for_the_database_is_refused_on_its_cell(administrator, draft):
    url = reverse("contracts:commitments", args=[draft.pk])
    data = {"custom_rows": "3", "patents-1": "2147483648"}

    response = fuzz_post(logged_in(administrator), url, data, objects=[draft])

    assert response.status_code == 200
    assert "patents-1" in response.context["form"].errors


@given(changes=st.dictionaries(st.sampled_from(sorted(TERMS)), hostile_text(), max_size=3))
def test_model_contract_terms(administrator, draft, changes):
    terms = terms_ensure(call=draft.call, language="ar")
    data = {name: getattr(terms, name) for name in TERMS} | changes
    url = reverse("contracts:terms_language", args=[draft.call_id, "ar"])
    fuzz_post(logged_in(administrator), url, data, objects=[terms])


@given(reason=hostile_text(), language=hostile_choice(["fr", "ar"]))
def test_draft_lifecycle_forms(administrator, draft, reason, language):
    client = logged_in(administrator)
    # A version request renders the PDF in a task: only the form is checked here.
    fuzz_post(
        client,
        reverse("contracts:version_request", args=[draft.pk]),
        {"language": language},
        objects=[draft],
    )
    fuzz_post(
        client, reverse("contracts:terminate", args=[draft.pk]), {"reason": reason}, objects=[draft]
    )


@given(reason=hostile_text())
def test_active_contract_reasons(administrator, active, reason):
    client = logged_in(administrator)
    for name in ("terminate", "recall"):
        fuzz_post(
            client,
            reverse(f"contracts:{name}", args=[active.pk]),
            {"reason": reason},
            objects=[active],
        )


PAYMENT_VALID = {"paid_on": "today", "amount": "1200000.00", "reference": "VIR-2026-001"}
PAYMENT_HOSTILE = {
    "paid_on": hostile_date(),
    "amount": hostile_number(),
    "reference": hostile_text(max_size=300),
}


@given(data=mutated(PAYMENT_VALID, PAYMENT_HOSTILE))
@example(data={**PAYMENT_VALID, "paid_on": "0001-01-01"})
@example(data={**PAYMENT_VALID, "amount": "1e30"})
def test_payment_form(administrator, active, data):
    if data["paid_on"] == "today":
        data = {**data, "paid_on": str(timezone.localdate())}
    tranche = Tranche.objects.filter(contract=active, status=TrancheStatus.DUE).first()

    def accepted(response):
        payment = Payment.objects.get(tranche=tranche)
        assert payment.amount == tranche.due_amount
        assert payment.reference == data["reference"].strip()

    url = reverse("contracts:payment_record", args=[tranche.pk])
    fuzz_post(logged_in(administrator), url, data, objects=[tranche], accepted=accepted)


@given(
    values=st.lists(
        st.tuples(hostile_number(), hostile_text(max_size=500)), min_size=5, max_size=5
    ),
    comment=hostile_text(),
    action=hostile_choice(["save", "submit"]),
)
@example(values=[("2147483648", "")] * 5, comment="", action="save")
@example(values=[("", "")] * 5, comment="\x00", action="save")
def test_annual_report_form(director, active, values, comment, action):
    report_url = reverse("contracts:report", args=[active.pk, 1])
    client = logged_in(director)
    client.get(report_url)  # a GET writes nothing: the report is created by its first save
    commitments = list(active.commitments.filter(year=1).order_by("pk"))
    data = {"comment": comment, "action": action}
    for commitment, (achieved, line_comment) in zip(commitments, values, strict=False):
        data[f"achieved_{commitment.pk}"] = achieved
        data[f"comment_{commitment.pk}"] = line_comment

    def saved_values_are_clean(response):
        for line in KpiAchievement.objects.filter(report__contract=active, report__year=1):
            assert 0 <= line.achieved <= 1_000_000
            assert "\x00" not in line.comment

    # The report keeps what is valid even when another part is refused (so nothing typed
    # is lost): here the check is that what was written is clean, whatever the answer.
    fuzz_post(client, report_url, data, accepted=saved_values_are_clean, success=(200, 302))


@pytest.fixture
def filed(director, active):
    return filed_report(active, director)


@given(comment=hostile_text(), review_comment=hostile_text())
def test_annual_report_review(administrator, filed, comment, review_comment):
    report, active = filed, filed.contract
    client = logged_in(administrator)
    approve = reverse("contracts:report_approve", args=[active.pk, 1])
    changes = reverse("contracts:report_request_changes", args=[active.pk, 1])
    fuzz_post(client, changes, {"changes-review_comment": review_comment}, objects=[report])
    fuzz_post(client, approve, {"approve-comment": comment}, objects=[report])
