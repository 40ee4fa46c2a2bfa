"""The administrator drafts the contracts: generation from the call's back office, the draft's
parties, its subsidy schedule and KPI commitments, and the call's model contract."""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse

from applications.models import CallStatus
from contracts.forms.drafting import normalize_amount
from contracts.models import Contract, ContractStatus, ContractTerms, KpiCommitment, Tranche
from contracts.panels.drafting import call_contracts_panel
from contracts.services.generation import contract_generate
from core.tests.browser import log_in, screenshot
from core.tests.client import page_text
from core.translation import columns

from .factories import decided_call, selected_decision

pytestmark = pytest.mark.django_db


def _send(contract):
    """Sent for signature (without rendering its PDF, which contract_send would need)."""
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.SENT)


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def _draft(administrator, **decision_fields):
    """A draft contract without rendering its PDF (the page tests do not need it)."""
    decision = selected_decision(decided_by=administrator, **decision_fields)
    return contract_generate(actor=administrator, decision=decision)


@pytest.fixture
def draft(administrator):
    return _draft(administrator)


def _pages(contract):
    return [
        reverse("contracts:draft_update", args=[contract.pk]),
        reverse("contracts:schedule", args=[contract.pk]),
        reverse("contracts:commitments", args=[contract.pk]),
        reverse("contracts:terms", args=[contract.call_id]),
        reverse("contracts:terms_language", args=[contract.call_id, "ar"]),
    ]


# Who may draft ----------------------------------------------------------------------------


def test_anonymous_visitors_are_asked_to_log_in_on_every_drafting_page(client, draft):
    for url in _pages(draft):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    decision_url = reverse("contracts:generate", args=[draft.decision_id])
    response = client.post(decision_url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", ["director", "outsider", "evaluator", "committee_member"])
def test_only_administrators_may_draft_contracts(client, request, role, administrator):
    contract = _draft(administrator, director=request.getfixturevalue("director"))
    client.force_login(request.getfixturevalue(role))
    for url in _pages(contract):
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
    other = selected_decision(call=contract.call)
    assert client.post(reverse("contracts:generate", args=[other.pk])).status_code == 403
    assert not Contract.objects.filter(decision=other).exists()


def test_administrators_open_every_drafting_page(client, administrator, draft):
    client.force_login(administrator)
    for url in _pages(draft):
        assert client.get(url).status_code == 200, url


def test_generating_is_a_post(client, administrator):
    decision = selected_decision(decided_by=administrator)
    client.force_login(administrator)
    response = client.get(reverse("contracts:generate", args=[decision.pk]))
    assert response.status_code == 405


# Generation ---------------------------------------------------------------------------------


def test_the_administrator_generates_the_contract_of_a_selected_dossier(client, administrator):
    decision = selected_decision(decided_by=administrator)
    client.force_login(administrator)
    response = client.post(reverse("contracts:generate", args=[decision.pk]))
    contract = Contract.objects.get(decision=decision)
    assert response.status_code == 302
    assert response["Location"] == reverse("contracts:detail", args=[contract.pk])
    assert contract.status == ContractStatus.DRAFT
    assert any(contract.reference in message for message in _messages(response))


def test_generation_over_the_envelope_is_refused_with_the_figures(client, administrator):
    call = decided_call(budget_envelope=Decimal("15000000"))
    _draft(administrator, call=call)  # 10 000 000 committed
    decision = selected_decision(call=call, decided_by=administrator)
    client.force_login(administrator)
    response = client.post(reverse("contracts:generate", args=[decision.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "applications:backoffice_call_detail", args=[call.pk]
    )
    text = page_text(response)
    assert "20 000 000,00" in text.replace("\xa0", " ")
    assert "enveloppe" in text
    assert "dépassement de 5 000 000,00" in text.replace("\xa0", " ")
    assert not Contract.objects.filter(decision=decision).exists()


def test_generation_waits_for_the_published_results(client, administrator):
    call = decided_call(status=CallStatus.PUBLISHED)
    decision = selected_decision(call=call, decided_by=administrator)
    client.force_login(administrator)
    response = client.post(reverse("contracts:generate", args=[decision.pk]))
    assert response["Location"] == reverse("applications:backoffice_call_detail", args=[call.pk])
    assert any("résultats" in message for message in _messages(response))
    assert not Contract.objects.filter(decision=decision).exists()


def test_a_dossier_gets_one_contract_only(client, administrator, draft):
    client.force_login(administrator)
    response = client.post(reverse("contracts:generate", args=[draft.decision_id]))
    assert response["Location"] == reverse(
        "applications:backoffice_call_detail", args=[draft.call_id]
    )
    assert any("existe déjà" in message for message in _messages(response))
    assert Contract.objects.filter(decision_id=draft.decision_id).count() == 1


# The back-office panel ---------------------------------------------------------------------


def test_the_call_page_lists_the_selected_dossiers_with_their_contract_or_the_button(
    client, administrator, draft
):
    waiting = selected_decision(call=draft.call)
    client.force_login(administrator)
    response = client.get(reverse("applications:backoffice_call_detail", args=[draft.call_id]))
    text = page_text(response).replace("\xa0", " ")
    assert "Contrats-programmes" in text
    assert draft.reference in text
    assert reverse("contracts:detail", args=[draft.pk]) in text
    assert reverse("contracts:generate", args=[waiting.pk]) in text
    assert "Générer le contrat" in text
    # Envelope 20 000 000, the draft commits 10 000 000.
    assert "10 000 000,00 MAD" in text
    assert reverse("contracts:terms_language", args=[draft.call_id, "ar"]) in text


def test_before_the_results_the_panel_says_why_no_contract_can_be_generated(client, administrator):
    call = decided_call(status=CallStatus.PUBLISHED)
    decision = selected_decision(call=call)
    client.force_login(administrator)
    response = client.get(reverse("applications:backoffice_call_detail", args=[call.pk]))
    text = page_text(response)
    assert "une fois les résultats de l'appel publiés" in text
    assert reverse("contracts:generate", args=[decision.pk]) not in text


def test_no_panel_without_a_selected_dossier(client, administrator):
    call = decided_call()
    client.force_login(administrator)
    response = client.get(reverse("applications:backoffice_call_detail", args=[call.pk]))
    assert "Contrats-programmes" not in page_text(response)


@pytest.mark.parametrize("selected", [2, 6])
def test_the_panel_costs_two_queries_whatever_the_number_of_dossiers(
    administrator, django_assert_num_queries, selected
):
    call = decided_call(budget_envelope=Decimal("100000000"))
    for index in range(selected):
        decision = selected_decision(call=call, decided_by=administrator)
        if index % 2:
            contract_generate(actor=administrator, decision=decision)
    request = RequestFactory().get("/")
    request.user = administrator
    with django_assert_num_queries(2):
        panel = call_contracts_panel(request, call=call)
    assert len(panel["rows"]) == selected
    assert panel["missing"] == selected - selected // 2
    assert panel["committed"] == Decimal("10000000") * (selected // 2)


def test_the_contract_page_offers_the_draft_edits_to_administrators_only(
    client, administrator, director
):
    contract = _draft(administrator, director=director)
    client.force_login(administrator)
    text = page_text(client.get(reverse("contracts:detail", args=[contract.pk])))
    assert "Modifier le projet" in text
    assert reverse("contracts:schedule", args=[contract.pk]) in text
    _send(contract)
    text = page_text(client.get(reverse("contracts:detail", args=[contract.pk])))
    assert reverse("contracts:schedule", args=[contract.pk]) not in text
    client.force_login(director)
    text = page_text(client.get(reverse("contracts:detail", args=[contract.pk])))
    assert "Modifier le projet" not in text


# Parties and dates --------------------------------------------------------------------------


def _draft_data(contract, **changes):
    data = {
        "start_date": contract.start_date.isoformat(),
        "legal_name": contract.legal_name,
        "representative_name": contract.representative_name,
        **{name: getattr(contract, name) or "" for name in columns("representative_title")},
        **{name: getattr(contract, name) or "" for name in columns("ministry_representative")},
        "kpi_threshold": "50",
        "below_threshold": contract.below_threshold,
    }
    return {**data, **changes}


def test_the_administrator_edits_the_parties_and_the_start_date(client, administrator, draft):
    client.force_login(administrator)
    url = reverse("contracts:draft_update", args=[draft.pk])
    response = client.post(
        url,
        _draft_data(
            draft,
            start_date="2027-01-01",
            legal_name="Association Cluster Solaire",
            kpi_threshold="62,5",
            below_threshold="withhold",
        ),
    )
    assert response["Location"] == reverse("contracts:detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.legal_name == "Association Cluster Solaire"
    assert str(draft.start_date) == "2027-01-01"
    assert draft.kpi_threshold == Decimal("62.5")
    assert draft.below_threshold == "withhold"
    assert draft.contract_years.get(year=1).report_due_on.isoformat() == "2028-01-31"


def test_a_refused_edit_keeps_the_typed_values(client, administrator, draft):
    client.force_login(administrator)
    url = reverse("contracts:draft_update", args=[draft.pk])
    response = client.post(
        url,
        _draft_data(
            draft, legal_name="", representative_name="Mme Amal Idrissi", kpi_threshold="120"
        ),
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Le formulaire contient des erreurs" in text
    assert "Mme Amal Idrissi" in text
    assert 'value="120"' in text
    draft.refresh_from_db()
    assert draft.representative_name != "Mme Amal Idrissi"


# The subsidy schedule -----------------------------------------------------------------------


def _schedule_data(contract, lines):
    """POST data of the schedule page: `lines` as (year, amount, condition[, delete])."""
    data = {
        "tranches-TOTAL_FORMS": str(len(lines)),
        "tranches-INITIAL_FORMS": str(len(lines)),
        "tranches-MIN_NUM_FORMS": "0",
        "tranches-MAX_NUM_FORMS": "200",
    }
    for index, line in enumerate(lines):
        year, amount, condition, *delete = line
        data[f"tranches-{index}-year"] = str(year)
        data[f"tranches-{index}-amount"] = amount
        data[f"tranches-{index}-condition"] = condition
        if delete:
            data[f"tranches-{index}-DELETE"] = "on"
    return data


def _stored_lines(contract, skip_year=None):
    return [
        (t.year, str(t.amount), t.condition)
        for t in contract.tranches.order_by("year", "position")
        if t.year != skip_year
    ]


def test_the_schedule_page_shows_each_years_total_and_each_tranches_share(
    client, administrator, draft
):
    client.force_login(administrator)
    response = client.get(reverse("contracts:schedule", args=[draft.pk]))
    text = page_text(response).replace("\xa0", " ")
    assert "Subvention de l'année 1" in text
    assert "60 %" in text and "40 %" in text
    assert "10 000 000,00 MAD" in text  # the contract's total
    # One empty line per year to add a tranche.
    assert text.count("Nouvelle tranche") == draft.years


def test_the_schedule_adds_up_to_the_centime(client, administrator, draft):
    client.force_login(administrator)
    lines = [
        (1, "333 333,33", "signature"),
        (1, "333333.33", "report"),
        (1, "333\u00a0333,34", "report_kpi"),
        *_stored_lines(draft, skip_year=1),
    ]
    response = client.post(
        reverse("contracts:schedule", args=[draft.pk]), _schedule_data(draft, lines)
    )
    assert response.status_code == 302, page_text(response)
    year_one = draft.contract_years.get(year=1)
    assert year_one.amount == Decimal("1000000.00")
    assert list(
        Tranche.objects.filter(contract=draft, year=1)
        .order_by("position")
        .values_list("amount", flat=True)
    ) == [Decimal("333333.33"), Decimal("333333.33"), Decimal("333333.34")]
    assert sum(t.amount for t in draft.tranches.all()) == Decimal("9000000.00")
    assert sum(row.amount for row in draft.contract_years.all()) == Decimal("9000000.00")


def test_a_tranche_is_removed_and_an_empty_line_is_ignored(client, administrator, draft):
    client.force_login(administrator)
    lines = _stored_lines(draft)
    lines[1] = (*lines[1], True)  # year 1, tranche 2 removed
    lines.insert(2, (1, "", ""))  # the empty line left as it is
    client.post(reverse("contracts:schedule", args=[draft.pk]), _schedule_data(draft, lines))
    assert list(draft.tranches.filter(year=1).values_list("amount", flat=True)) == [
        Decimal("1200000.00")
    ]
    assert draft.contract_years.get(year=1).amount == Decimal("1200000.00")


def test_a_year_above_the_annual_ceiling_is_refused_and_the_form_kept(client, administrator, draft):
    client.force_login(administrator)
    lines = [
        (1, "1 500 000", "signature"),
        (1, "900 000,50", "report"),
        *_stored_lines(draft, skip_year=1),
    ]
    response = client.post(
        reverse("contracts:schedule", args=[draft.pk]), _schedule_data(draft, lines)
    )
    assert response.status_code == 200
    text = page_text(response).replace("\xa0", " ")
    assert "plafond annuel de 2 000 000,00 MAD" in text
    assert "2 400 000,50 MAD" in text  # the typed year's total, computed on display
    assert 'value="1 500 000"' in text and 'value="900 000,50"' in text
    assert draft.contract_years.get(year=1).amount == Decimal("2000000.00")


@pytest.mark.parametrize("amount", ["-100", "100,005", "cent mille"])
def test_a_negative_or_sub_centime_or_unreadable_amount_is_refused(
    client, administrator, draft, amount
):
    client.force_login(administrator)
    lines = [(1, amount, "signature"), *_stored_lines(draft, skip_year=1)]
    response = client.post(
        reverse("contracts:schedule", args=[draft.pk]), _schedule_data(draft, lines)
    )
    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in page_text(response)
    assert f'value="{amount}"' in page_text(response)
    assert draft.tranches.filter(year=1).count() == 2


def test_a_schedule_over_the_envelope_is_refused(client, administrator):
    call = decided_call(budget_envelope=Decimal("15500000"))
    contract = _draft(administrator, call=call, amounts=[Decimal("1000000")] * 5)
    _draft(administrator, call=call)  # 10 000 000: 500 000 left in the envelope
    client.force_login(administrator)
    lines = [
        (1, "2 000 000", "signature"),
        *_stored_lines(contract, skip_year=1),
    ]
    response = client.post(
        reverse("contracts:schedule", args=[contract.pk]), _schedule_data(contract, lines)
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "L'échéancier n'a pas été enregistré" in text
    assert "enveloppe" in text
    assert contract.contract_years.get(year=1).amount == Decimal("1000000.00")


def test_french_and_plain_amounts_read_the_same():
    assert normalize_amount("1 200 000,50") == "1200000.50"
    assert normalize_amount("1\u202f200\u00a0000,50") == "1200000.50"
    assert normalize_amount("1200000.50") == "1200000.50"
    assert normalize_amount("1.200.000,50") == "1200000.50"
    assert normalize_amount("1,200,000") == "1200000"
    assert normalize_amount("1200000") == "1200000"


# KPI commitments ----------------------------------------------------------------------------


def test_the_commitments_grid_is_prefilled_from_the_dossier(client, administrator, draft):
    client.force_login(administrator)
    response = client.get(reverse("contracts:commitments", args=[draft.pk]))
    text = page_text(response)
    assert "Projets collaboratifs de R&D" in text
    assert 'name="rd_projects-5" value="20"' in text  # 4 a year, times 5 in year 5
    assert "Année 5" in text


def _commitments_data(contract, **changes):
    data = {"custom_rows": "3"}
    for commitment in contract.commitments.all():
        data[f"{commitment.indicator}-{commitment.year}"] = str(commitment.target)
    return {**data, **changes}


def test_the_administrator_adds_a_custom_indicator(client, administrator, draft):
    client.force_login(administrator)
    data = _commitments_data(
        draft,
        **{
            "patents-1": "",
            "custom-0-label": "Entreprises membres exportatrices",
            "custom-0-1": "3",
            "custom-0-2": "5",
        },
    )
    response = client.post(reverse("contracts:commitments", args=[draft.pk]), data)
    assert response["Location"] == reverse("contracts:detail", args=[draft.pk])
    custom = KpiCommitment.objects.filter(contract=draft, indicator="custom").order_by("year")
    assert [(c.label, c.year, c.target) for c in custom] == [
        ("Entreprises membres exportatrices", 1, 3),
        ("Entreprises membres exportatrices", 2, 5),
    ]
    assert not draft.commitments.filter(indicator="patents", year=1).exists()
    assert draft.commitments.filter(indicator="patents").count() == 4
    # Shown back on the grid, with empty rows still offered.
    text = page_text(client.get(reverse("contracts:commitments", args=[draft.pk])))
    assert 'value="Entreprises membres exportatrices"' in text
    assert 'name="custom-3-label"' in text


def test_a_custom_indicator_without_a_name_is_refused_and_the_grid_kept(
    client, administrator, draft
):
    client.force_login(administrator)
    data = _commitments_data(draft, **{"custom-1-2": "7", "rd_projects-1": "9"})
    response = client.post(reverse("contracts:commitments", args=[draft.pk]), data)
    assert response.status_code == 200
    text = page_text(response)
    assert "Donnez un intitulé à l'indicateur spécifique." in text
    assert 'name="custom-1-2" value="7"' in text
    assert 'name="rd_projects-1" value="9"' in text
    assert draft.commitments.get(indicator="rd_projects", year=1).target == 4


# The model contract -------------------------------------------------------------------------


def test_the_model_contract_is_edited_in_arabic(client, administrator, draft):
    client.force_login(administrator)
    url = reverse("contracts:terms_language", args=[draft.call_id, "ar"])
    response = client.get(url)
    assert 'lang="ar" dir="auto"' in page_text(response)
    data = {name: f"نص البند {name}" for name in response.context["form"].fields}
    data["title"] = "عقد برنامج لدعم العنقود"
    response = client.post(url, data)
    assert response["Location"] == url
    terms = ContractTerms.objects.get(call=draft.call, language="ar")
    assert terms.title == "عقد برنامج لدعم العنقود"
    assert terms.payment_terms == "نص البند payment_terms"
    # The French model is another one, untouched.
    assert ContractTerms.objects.get(call=draft.call, language="fr").title != terms.title


def test_opening_a_model_contract_not_yet_written_saves_nothing(client, administrator, draft):
    """A GET never writes: the page shows the ministry's model; the first save creates it."""
    client.force_login(administrator)
    url = reverse("contracts:terms_language", args=[draft.call_id, "ar"])

    response = client.get(url)

    assert response.status_code == 200
    assert response.context["form"].initial["title"]  # the ministry's model, in Arabic
    assert not ContractTerms.objects.filter(call=draft.call, language="ar").exists()


def test_an_empty_clause_is_refused_and_the_others_kept(client, administrator, draft):
    client.force_login(administrator)
    url = reverse("contracts:terms", args=[draft.call_id])
    response = client.get(url)
    data = {
        name: response.context["form"].initial[name] for name in response.context["form"].fields
    }
    data["purpose"] = ""
    data["preamble"] = "Préambule revu par la direction."
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Préambule revu par la direction." in page_text(response)
    assert ContractTerms.objects.get(call=draft.call, language="fr").purpose


def test_the_model_contract_exists_in_french_and_arabic_only(client, administrator, draft):
    client.force_login(administrator)
    url = reverse("contracts:terms_language", args=[draft.call_id, "en"])
    assert client.get(url).status_code == 404


# Only drafts are edited ---------------------------------------------------------------------


def test_a_contract_sent_for_signature_is_no_longer_edited(client, administrator, draft):
    _send(draft)
    client.force_login(administrator)
    before = list(draft.tranches.values_list("amount", flat=True))
    for name in ("draft_update", "schedule", "commitments"):
        url = reverse(f"contracts:{name}", args=[draft.pk])
        for response in (client.get(url), client.post(url, {"legal_name": "Autre"})):
            assert response.status_code == 302
            assert response["Location"] == reverse("contracts:detail", args=[draft.pk])
            assert any("n'est plus un projet" in message for message in _messages(response))
    assert list(draft.tranches.values_list("amount", flat=True)) == before
    draft.refresh_from_db()
    assert draft.legal_name != "Autre"


def test_an_incomplete_post_is_answered_with_the_form_never_a_500(client, administrator, draft):
    client.force_login(administrator)
    for name in ("draft_update", "schedule", "commitments"):
        response = client.post(reverse(f"contracts:{name}", args=[draft.pk]), {})
        assert response.status_code == 200, name
        assert "erreur" in page_text(response) or "enregistré" in page_text(response), name
    assert draft.tranches.count() == 10


# In the browser -----------------------------------------------------------------------------


@pytest.mark.browser
def test_drafting_a_contract_in_the_browser(live_server, page, administrator):
    call = decided_call(title="Appel à projets clusters 2030")
    _draft(administrator, call=call)
    waiting = selected_decision(call=call, decided_by=administrator)
    call_url = f"{live_server.url}{reverse('applications:backoffice_call_detail', args=[call.pk])}"

    log_in(page, live_server, administrator)
    page.goto(call_url)
    page.locator("#contrats-programmes").wait_for()
    screenshot(page, "drafting-call-panel-fr")
    page.get_by_role("button", name=re.compile("Générer le contrat")).click()
    page.wait_for_url(re.compile(r".*/contrats/\d+/(\?flash=[\w-]+)?$"))
    contract = Contract.objects.get(decision=waiting)
    screenshot(page, "drafting-contract-draft-fr")

    page.get_by_role("link", name="Échéancier des subventions").click()
    page.locator("#id_tranches-0-amount").fill("1 500 000")
    page.locator("#id_tranches-1-amount").fill("900 000,50")
    page.get_by_role("button", name="Enregistrer l'échéancier").click()
    page.locator("#error-summary").wait_for()
    screenshot(page, "drafting-schedule-refused-fr")
    page.locator("#id_tranches-1-amount").fill("499 999,50")
    page.locator("#id_tranches-2-amount").fill("0,50")
    page.locator("#id_tranches-2-condition").select_option("report")
    page.get_by_role("button", name="Enregistrer l'échéancier").click()
    page.wait_for_url(re.compile(r".*/contrats/\d+/(\?flash=[\w-]+)?$"))
    assert contract.contract_years.get(year=1).amount == Decimal("2000000.00")
    assert contract.tranches.filter(year=1).count() == 3
    page.goto(f"{live_server.url}{reverse('contracts:schedule', args=[contract.pk])}")
    screenshot(page, "drafting-schedule-fr")

    page.goto(f"{live_server.url}{reverse('contracts:commitments', args=[contract.pk])}")
    page.locator("#id_custom-0-label").fill("Entreprises membres exportatrices")
    page.locator("#id_custom-0-1").fill("3")
    page.get_by_role("button", name="Enregistrer les engagements").click()
    page.wait_for_url(re.compile(r".*/contrats/\d+/(\?flash=[\w-]+)?$"))
    page.goto(f"{live_server.url}{reverse('contracts:commitments', args=[contract.pk])}")
    screenshot(page, "drafting-commitments-fr")
    page.goto(f"{live_server.url}{reverse('contracts:draft_update', args=[contract.pk])}")
    screenshot(page, "drafting-draft-form-fr")
    page.goto(f"{live_server.url}{reverse('contracts:terms', args=[call.pk])}")
    screenshot(page, "drafting-terms-fr")

    log_in(page, live_server, administrator, language="ar")
    page.goto(call_url)
    page.wait_for_selector("html[dir=rtl]")
    page.locator("#contrats-programmes").wait_for()
    screenshot(page, "drafting-call-panel-ar")
    for name in ("schedule", "commitments", "draft_update"):
        page.goto(f"{live_server.url}{reverse(f'contracts:{name}', args=[contract.pk])}")
        screenshot(page, f"drafting-{name}-ar")
    page.goto(f"{live_server.url}{reverse('contracts:terms_language', args=[call.pk, 'ar'])}")
    screenshot(page, "drafting-terms-ar")
    page.goto(f"{live_server.url}{reverse('contracts:detail', args=[contract.pk])}")
    screenshot(page, "drafting-contract-draft-ar")
