"""The programme dashboard: its figures, exports, who sees it, the public summary and the
returning cluster's record on its new dossier."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.tests.factories import DirectorFactory, EvaluatorFactory
from applications.choices import Indicator
from applications.models import DossierStatus
from applications.tests.factories import DossierFactory
from core.tests.browser import log_in, screenshot
from core.tests.client import page_text
from evaluation.tests.factories import AssignmentFactory

from ..dashboard.programme import key_figures, programme
from ..dashboard.public import public_summary
from ..models import ContractStatus, ContractYear, Tranche, TrancheStatus
from ..services import drafting, lifecycle, payments, reports
from .factories import active_contract, decided_call, draft_contract, filed_report

pytestmark = pytest.mark.django_db

MILLION = Decimal("1000000")
# Three years of TARGETS (year n: n times the yearly figure) add up to six times them.
CONTRACT_TARGETS = {"rd_projects": 24, "patents": 6, "startups": 12, "rd_jobs": 60, "trainings": 30}
YEAR_ONE = {"rd_projects": 4, "patents": 1, "startups": 2, "rd_jobs": 10, "trainings": 5}


def _pay(administrator, contract, year, position):
    tranche = contract.tranches.get(year=year, position=position)
    return payments.payment_record(
        actor=administrator,
        tranche=tranche,
        paid_on=timezone.localdate(),
        amount=tranche.due_amount,
        reference=f"VIR-{contract.pk}-{year}-{position}",
    )


@pytest.fixture
def call():
    return decided_call(
        contract_years=3,
        title="Appel à projets clusters 2011",
        reference="aap-2011",
        edition_year=2011,
    )


@pytest.fixture
def programme_data(call, administrator, director, outsider):
    """Two contracts in force under one call — 3 000 000 and 6 000 000 MAD over 3 years — the
    first with its year-1 report approved and its first tranche paid; and a draft."""
    first = active_contract(administrator, director, call=call, amounts=[MILLION] * 3)
    second = active_contract(administrator, outsider, call=call, amounts=[2 * MILLION] * 3)
    _pay(administrator, first, 1, 1)
    reports.report_approve(actor=administrator, report=filed_report(first, director))
    draft = draft_contract(administrator, call=call, amounts=[MILLION] * 3)
    return {"first": first, "second": second, "draft": draft}


def _visible(response):
    """The page's words without its tags, every kind of space as one plain space."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


def _indicator_figures(lines):
    return {line.indicator: (line.target, line.target_to_date, line.achieved) for line in lines}


# Figures


def test_committed_paid_and_due_are_summed_over_the_signed_contracts(call, programme_data):
    figures = programme(call)
    money = figures.total.money
    # The draft commits nothing; the two contracts in force commit their whole schedules.
    assert money.committed == Decimal("9000000.00")
    assert money.paid == Decimal("600000.00")
    # Year-1 second tranche and year-2 first tranche of the first contract (its report is
    # approved), and the second contract's signature tranche.
    assert money.due_unpaid == Decimal("400000.00") + Decimal("600000.00") + Decimal("1200000.00")
    assert round(money.share_paid, 2) == Decimal("6.67")
    assert figures.total.signed == 2
    assert figures.total.contracts == 3
    assert figures.total.statuses == {ContractStatus.ACTIVE: 2, ContractStatus.DRAFT: 1}
    assert figures.total.clusters == 2


def test_committed_equals_the_schedules_while_nothing_is_cancelled(call, programme_data):
    schedules = ContractYear.objects.filter(
        contract__in=[programme_data["first"], programme_data["second"]]
    ).aggregate(total=Sum("amount"))["total"]
    assert programme(call).calls[0].money.committed == schedules == Decimal("9000000.00")


def test_kpi_targets_are_the_contracts_and_achievements_the_approved_reports(
    call, programme_data, director
):
    # A report transmitted but not approved says nothing yet.
    filed_report(programme_data["second"], programme_data["second"].cluster.owner)
    figures = programme(call)
    expected = {
        indicator: (2 * target, YEAR_ONE[indicator], YEAR_ONE[indicator])
        for indicator, target in CONTRACT_TARGETS.items()
    }
    assert _indicator_figures(figures.indicators) == expected
    assert [line.indicator for line in figures.indicators] == list(Indicator.values)
    assert all(line.rate == 100 for line in figures.indicators)


def test_each_cluster_has_its_own_targets_and_achievements(call, programme_data):
    clusters = {cluster.cluster_id: cluster for cluster in programme(call).clusters}
    first = clusters[programme_data["first"].cluster_id]
    second = clusters[programme_data["second"].cluster_id]
    assert programme_data["draft"].cluster_id not in clusters
    assert _indicator_figures(first.cells.values()) == {
        indicator: (target, YEAR_ONE[indicator], YEAR_ONE[indicator])
        for indicator, target in CONTRACT_TARGETS.items()
    }
    assert _indicator_figures(second.cells.values()) == {
        indicator: (target, 0, 0) for indicator, target in CONTRACT_TARGETS.items()
    }
    assert all(cell.rate is None for cell in second.row)


def test_a_terminated_contracts_cancelled_tranches_are_no_longer_committed(
    call, programme_data, administrator
):
    second = programme_data["second"]
    lifecycle.contract_terminate(
        actor=administrator, contract=second, reason="Structure d'animation dissoute."
    )
    assert Tranche.objects.filter(contract=second, status=TrancheStatus.CANCELLED).count() == 5
    figures = programme(call)
    # Its signature tranche stays due, hence committed; the rest is no longer.
    assert figures.total.money.committed == Decimal("3000000.00") + Decimal("1200000.00")
    assert figures.total.signed == 1
    assert second.cluster_id not in {cluster.cluster_id for cluster in figures.clusters}


def test_a_tranche_reduced_for_missed_targets_stays_committed_and_shows_the_cut(
    call, programme_data, administrator, director
):
    first = programme_data["first"]
    reports.report_approve(
        actor=administrator, report=filed_report(first, director, year=2, share=Decimal("0.3"))
    )
    reduced = first.tranches.get(year=2, position=2)
    assert reduced.status == TrancheStatus.DUE
    assert reduced.due_amount < reduced.amount
    money = programme(call).total.money
    assert money.committed == Decimal("9000000.00")
    assert money.reduced == reduced.amount - reduced.due_amount


def test_the_dashboard_spaces_the_semicolon_before_the_reduced_amount(
    client, call, programme_data, administrator, director
):
    first = programme_data["first"]
    reports.report_approve(
        actor=administrator, report=filed_report(first, director, year=2, share=Decimal("0.3"))
    )
    client.force_login(administrator)

    text = _visible(client.get(reverse("contracts:programme"), {"appel": call.reference}))

    assert "subvention engagée ; dont " in text
    assert "engagée;" not in text


def test_custom_indicators_are_grouped_under_their_label(administrator):
    call = decided_call(contract_years=3)
    for _ in range(2):
        contract = draft_contract(administrator, call=call, amounts=[MILLION] * 3, targets=None)
        drafting.commitments_update(
            actor=administrator,
            contract=contract,
            commitments=[
                {"indicator": "custom", "label": "Adhérents", "year": year, "target": 10}
                for year in (1, 2, 3)
            ]
            + [{"indicator": Indicator.PATENTS, "label": "", "year": 1, "target": 2}],
        )
        contract.status = ContractStatus.ACTIVE
        contract.save(update_fields=["status"])
    lines = programme(call).indicators
    assert [(line.name, line.target) for line in lines] == [("Brevets", 4), ("Adhérents", 60)]


def test_calls_are_summed_separately_and_together(call, programme_data, administrator, director):
    other = decided_call(contract_years=3, title="Appel à projets clusters 2016", edition_year=2016)
    active_contract(administrator, DirectorFactory(), call=other, amounts=[MILLION] * 3)
    figures = programme()
    assert [(line.title, line.money.committed) for line in figures.calls] == [
        ("Appel à projets clusters 2011", Decimal("9000000.00")),
        ("Appel à projets clusters 2016", Decimal("3000000.00")),
    ]
    assert figures.total.money.committed == Decimal("12000000.00")
    assert programme(other).total.money.committed == Decimal("3000000.00")
    assert key_figures()["signed"] == 3


# The administrators' dashboard


def test_the_dashboard_shows_the_figures_of_the_chosen_call(
    client, administrator, call, programme_data
):
    client.force_login(administrator)
    response = client.get(reverse("contracts:programme"), {"appel": call.reference})
    assert response.status_code == 200
    text = _visible(response)
    assert "9 000 000,00 MAD" in text
    assert "600 000,00 MAD" in text
    assert "6,7 %" in text
    assert "Projets collaboratifs de R&D" in text
    assert programme_data["first"].cluster.name in text
    assert 'href="/programme/programme.csv?appel=aap-2011"' in response.content.decode()


def test_an_unknown_call_is_not_found(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("contracts:programme"), {"appel": "inconnu"})
    assert response.status_code == 404


def test_the_dashboard_without_contracts_says_what_to_do(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("contracts:programme"))
    assert "Aucun contrat-programme n'a encore été généré." in _visible(response)


@pytest.mark.parametrize("name", ["programme", "programme_csv", "programme_xlsx"])
def test_anonymous_visitors_are_asked_to_log_in(client, name):
    response = client.get(reverse(f"contracts:{name}"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("person", ["director", "evaluator", "committee_member"])
@pytest.mark.parametrize("name", ["programme", "programme_csv", "programme_xlsx"])
def test_only_administrators_see_the_dashboard(client, request, person, name):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse(f"contracts:{name}")).status_code == 403


def _contracts(administrator, call, count):
    for _ in range(count):
        active_contract(administrator, DirectorFactory(), call=call, amounts=[MILLION] * 3)


@pytest.mark.parametrize("count", [2, 8])
def test_the_dashboard_costs_the_same_queries_whatever_the_contracts(
    client, administrator, django_assert_max_num_queries, count
):
    call = decided_call(contract_years=3, budget_envelope=30 * MILLION)
    _contracts(administrator, call, count)
    client.force_login(administrator)
    # Each includes the OTP device that verified the administrator's session. The dashboard:
    # session, user, device, the calls of the filter, contracts by call and state, clusters
    # by call, money by call, clusters of the programme, then targets and achievements by
    # cluster and indicator (the indicators' totals are their sums); + the chosen call.
    budgets = {
        reverse("contracts:programme"): 10,
        reverse("contracts:programme") + f"?appel={call.reference}": 11,
        reverse("contracts:programme_csv"): 6,
        reverse("contracts:programme_xlsx"): 14,
        reverse("contracts:public_summary"): 7,
        reverse("core:dashboard"): 7,
    }
    for url, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200


def test_the_dashboard_shows_a_payment_and_a_new_schedule_at_once(
    client, administrator, programme_data
):
    client.force_login(administrator)
    url = reverse("contracts:programme")
    before = _visible(client.get(url))

    _pay(administrator, programme_data["second"], 1, 1)
    after_payment = _visible(client.get(url))
    Tranche.objects.filter(pk=programme_data["second"].tranches.get(year=3, position=2).pk).update(
        amount=Decimal("1")
    )
    after_schedule = _visible(client.get(url))

    assert after_payment != before
    assert after_schedule != after_payment


# Exports


def _csv_rows(response):
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def test_the_csv_lists_each_contract_with_its_money_and_indicators(
    client, administrator, call, programme_data
):
    client.force_login(administrator)
    response = client.get(reverse("contracts:programme_csv"), {"appel": call.reference})
    assert response["Content-Disposition"] == 'attachment; filename="programme-aap-2011.csv"'
    header, *rows = _csv_rows(response)
    assert header[:8] == [
        "Appel à projets",
        "Référence du contrat",
        "Cluster",
        "État",
        "Durée (années)",
        "Subvention prévue à l'échéancier (MAD)",
        "Subvention engagée (MAD)",
        "Subvention versée (MAD)",
    ]
    assert "Brevets — cible" in header
    by_reference = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    first = by_reference[programme_data["first"].reference]
    assert first["Subvention prévue à l'échéancier (MAD)"] == "3000000,00"
    assert first["Subvention engagée (MAD)"] == "3000000,00"
    assert first["Subvention versée (MAD)"] == "600000,00"
    assert first["Brevets — cible"] == "6"
    assert first["Brevets — réalisé (rapports approuvés)"] == "1"
    draft = by_reference[programme_data["draft"].reference]
    assert draft["État"] == "Projet"
    assert draft["Subvention engagée (MAD)"] == "0,00"
    assert len(rows) == 3


def test_the_xlsx_has_the_calls_contracts_indicators_and_clusters(
    client, administrator, call, programme_data
):
    client.force_login(administrator)
    response = client.get(reverse("contracts:programme_xlsx"), {"appel": call.reference})
    assert response["Content-Disposition"] == 'attachment; filename="programme-aap-2011.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Appels", "Contrats", "Indicateurs", "Clusters et indicateurs"]
    calls = list(workbook["Appels"].values)
    assert calls[1][:8] == ("Appel à projets clusters 2011", 3, 2, 2, 9000000, 600000, 2200000, 0)
    indicators = {row[0]: row[1:4] for row in list(workbook["Indicateurs"].values)[1:]}
    assert indicators["Emplois de R&D créés"] == (120, 10, 10)
    clusters = list(workbook["Clusters et indicateurs"].values)[1:]
    assert len(clusters) == 2 * len(Indicator.values)
    assert workbook["Contrats"].max_row == 4


def test_a_cluster_name_cannot_become_a_formula_in_the_csv(client, administrator, call, director):
    contract = active_contract(administrator, director, call=call, amounts=[MILLION] * 3)
    contract.cluster.name = '=HYPERLINK("http://x")'
    contract.cluster.save(update_fields=["name"])
    client.force_login(administrator)
    rows = _csv_rows(client.get(reverse("contracts:programme_csv")))
    assert rows[1][2].startswith("'=")


# The public summary and the panels


def test_anyone_reads_the_public_summary_without_drafts(client, call, programme_data):
    response = client.get(reverse("contracts:public_summary"))
    assert response.status_code == 200
    text = _visible(response)
    assert call.title in text
    assert "2 clusters sous contrat" in text
    assert "9 000 000,00 MAD" in text
    assert "48" in text  # collaborative R&D projects over both contracts
    assert programme_data["draft"].cluster.name not in text
    assert programme_data["first"].cluster.name not in text
    assert "600 000,00 MAD" not in text  # payments are the ministry's business


def test_contracts_not_yet_countersigned_stay_out_of_the_public_summary(administrator, director):
    call = decided_call(contract_years=3)
    draft_contract(administrator, call=call, amounts=[MILLION] * 3)
    contract = lifecycle.contract_send(
        actor=administrator,
        contract=draft_contract(administrator, call=call, director=director, amounts=[MILLION] * 3),
    )
    assert contract.status == ContractStatus.SENT
    assert public_summary() == []


def test_the_calls_page_shows_its_contracts_summary(client, call, programme_data):
    response = client.get(reverse("applications:call_detail", args=[call.reference]))
    text = _visible(response)
    assert "Contrats-programmes signés" in text
    assert "9 000 000,00 MAD" in text


def test_a_call_without_contracts_in_force_shows_no_summary(client, administrator):
    call = decided_call(contract_years=3)
    draft_contract(administrator, call=call, amounts=[MILLION] * 3)
    response = client.get(reverse("applications:call_detail", args=[call.reference]))
    assert "Contrats-programmes signés" not in _visible(response)


def test_the_home_page_links_to_the_summary_once_a_contract_is_in_force(client, programme_data):
    response = client.get(reverse("core:home"))
    assert reverse("contracts:public_summary") in response.content.decode()


def test_administrators_see_three_key_figures_in_their_space(client, administrator, programme_data):
    client.force_login(administrator)
    response = client.get(reverse("core:dashboard"))
    text = _visible(response)
    assert "2 contrats signés" in text
    assert "9 000 000,00 MAD" in text
    assert reverse("contracts:programme") in response.content.decode()


def test_directors_do_not_see_the_programme_figures(client, director, programme_data):
    client.force_login(director)
    response = client.get(reverse("core:dashboard"))
    assert reverse("contracts:programme") not in response.content.decode()


# The returning cluster's record on its new dossier


@pytest.fixture
def new_dossier(programme_data):
    """The first cluster applies to a later call, and an evaluator is assigned its dossier."""
    later = decided_call(
        title="Appel à projets clusters 2023", reference="aap-2023", edition_year=2023
    )
    dossier = DossierFactory(
        call=later,
        cluster=programme_data["first"].cluster,
        status=DossierStatus.UNDER_EVALUATION,
        submitted_at=timezone.now(),
    )
    return dossier


def _workspace(client, assignment):
    return client.get(reverse("evaluation:review", kwargs={"assignment_pk": assignment.pk}))


def test_the_evaluator_sees_the_clusters_earlier_contracts(
    client, evaluator, new_dossier, programme_data
):
    assignment = AssignmentFactory(dossier=new_dossier, evaluator=evaluator)
    client.force_login(evaluator)
    response = _workspace(client, assignment)
    assert response.status_code == 200
    text = _visible(response)
    assert "Contrats-programmes précédents du cluster" in text
    assert programme_data["first"].reference in text
    assert "3 000 000,00 MAD" in text  # its subsidy
    assert "600 000,00 MAD" in text  # paid
    assert programme_data["second"].reference not in text
    assert programme_data["draft"].reference not in text


def test_a_new_cluster_has_no_record(client, evaluator, call, programme_data):
    dossier = DossierFactory(
        call=decided_call(edition_year=2023),
        status=DossierStatus.UNDER_EVALUATION,
        submitted_at=timezone.now(),
    )
    client.force_login(evaluator)
    response = _workspace(client, AssignmentFactory(dossier=dossier, evaluator=evaluator))
    assert "Contrats-programmes précédents du cluster" not in _visible(response)


def test_the_contract_of_the_dossiers_own_call_is_not_a_record(
    client, evaluator, call, programme_data
):
    dossier = programme_data["first"].decision.dossier
    dossier.status = DossierStatus.UNDER_EVALUATION
    dossier.save(update_fields=["status"])
    client.force_login(evaluator)
    response = _workspace(client, AssignmentFactory(dossier=dossier, evaluator=evaluator))
    assert "Contrats-programmes précédents du cluster" not in _visible(response)


def test_an_evaluator_not_assigned_to_the_dossier_does_not_see_the_record(
    client, evaluator, new_dossier, programme_data
):
    assignment = AssignmentFactory(dossier=new_dossier, evaluator=EvaluatorFactory())
    client.force_login(evaluator)
    response = _workspace(client, assignment)
    assert response.status_code == 404
    assert programme_data["first"].reference not in response.content.decode()


def test_the_record_lists_the_target_and_achievement_per_indicator(
    client, evaluator, new_dossier, programme_data
):
    from ..panels.dashboard import returning_cluster_panel

    AssignmentFactory(dossier=new_dossier, evaluator=evaluator)
    request = type("Request", (), {"user": evaluator})()
    panel = returning_cluster_panel(request, dossier=new_dossier)
    (contract,) = panel["contracts"]
    assert contract.pk == programme_data["first"].pk
    assert {line.indicator: (line.target, line.achieved) for line in contract.kpi_lines} == {
        indicator: (target, YEAR_ONE[indicator]) for indicator, target in CONTRACT_TARGETS.items()
    }


# In the browser


@pytest.mark.browser
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_dashboard_in_the_browser(
    live_server, page, administrator, evaluator, call, programme_data, new_dossier, language
):
    log_in(page, live_server, administrator, language)
    screenshot(page, f"programme-panel-{language}")
    page.goto(f"{live_server.url}{reverse('contracts:programme')}")
    page.locator("#call-filter").select_option(call.reference)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*\?appel=aap-2011$"))
    committed = page.locator(".figure-amount").first.text_content()
    # In Arabic the amount is isolated left-to-right by invisible marks.
    assert " ".join(committed.strip("\u2066\u2069").split()) == "9 000 000,00 MAD"
    screenshot(page, f"programme-dashboard-{language}")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"programme-dashboard-phone-{language}")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{reverse('contracts:public_summary')}")
    screenshot(page, f"programme-public-{language}")
    page.goto(f"{live_server.url}{reverse('applications:call_detail', args=[call.reference])}")
    screenshot(page, f"programme-call-{language}")
    assignment = AssignmentFactory(dossier=new_dossier, evaluator=evaluator)
    log_in(page, live_server, evaluator, language)
    page.goto(f"{live_server.url}{reverse('evaluation:review', args=[assignment.pk])}")
    page.get_by_text(programme_data["first"].reference).first.wait_for()
    screenshot(page, f"programme-returning-cluster-{language}")
