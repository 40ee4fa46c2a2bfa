"""Annual reports and payments through the pages: who may file, review, pay and download."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import DirectorFactory
from applications.tests.builders import PDF, pdf_file
from core.models import OutgoingMail
from core.tests.browser import log_in, screenshot
from core.tests.client import page_text

from ..models import AnnualReport, Payment, ReportStatus, Tranche, TrancheStatus
from ..services.reports import report_approve
from .factories import active_contract, decided_call, filed_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(administrator, director):
    return active_contract(administrator, director)


def report_url(contract, year=1, name="report"):
    return reverse(f"contracts:{name}", args=[contract.pk, year])


def report_form(contract, year=1, **overrides):
    """A full report: each indicator at its target, both files, a comment."""
    data = {"comment": "Une année de mise en place.", "action": "save"}
    for commitment in contract.commitments.filter(year=year):
        data[f"achieved_{commitment.pk}"] = commitment.target
        data[f"comment_{commitment.pk}"] = "Conforme au plan."
    data["activity_report"] = pdf_file("activite.pdf")
    data["financial_report"] = pdf_file("finances.pdf")
    return {**data, **overrides}


def _first_commitment(contract, year=1):
    return contract.commitments.filter(year=year).order_by("pk").first()


# The director's report ------------------------------------------------------------------------


def test_director_files_and_transmits_a_report_with_evidence(client, contract, director):
    client.force_login(director)
    response = client.get(report_url(contract))
    assert response.status_code == 200
    text = page_text(response)
    assert "Types acceptés : PDF" in text and "Taille maximum : 20 Mo" in text
    commitment = _first_commitment(contract)
    data = report_form(contract, action="submit")
    data[f"evidence_{commitment.pk}"] = pdf_file("preuves-projets.pdf")

    response = client.post(report_url(contract), data, follow=True)

    report = AnnualReport.objects.get(contract=contract, year=1)
    assert report.status == ReportStatus.SUBMITTED
    line = report.achievements.get(commitment=commitment)
    assert line.achieved == commitment.target and line.evidence_name == "preuves-projets.pdf"
    text = page_text(response)
    assert "a bien été transmis au ministère" in text
    assert "Transmettre au ministère" not in text  # read-only now
    assert "preuves-projets.pdf" in text
    assert OutgoingMail.objects.filter(template="report_submitted").exists()


def test_opening_a_years_report_for_the_first_time_writes_nothing(client, contract, director):
    """A GET never writes: the empty report is shown; its first save creates it."""
    client.force_login(director)

    response = client.get(report_url(contract))

    assert response.status_code == 200
    assert "Transmettre au ministère" in page_text(response)
    assert not AnnualReport.objects.filter(contract=contract).exists()


def test_a_report_with_an_error_in_its_form_is_not_transmitted(client, contract, director):
    """Complete from an earlier save, the report still waits while the page shows an error."""
    client.force_login(director)
    client.post(report_url(contract), report_form(contract))
    commitment = _first_commitment(contract)

    response = client.post(
        report_url(contract), {"action": "submit", f"achieved_{commitment.pk}": "-1"}
    )

    assert response.status_code == 200
    assert AnnualReport.objects.get(contract=contract, year=1).status == ReportStatus.DRAFT
    assert f"achieved_{commitment.pk}" in response.context["form"].errors


def test_saving_keeps_the_draft_and_shows_what_is_left(client, contract, director):
    client.force_login(director)
    commitment = _first_commitment(contract)
    data = {"action": "save", "comment": "Brouillon", f"achieved_{commitment.pk}": 3}

    response = client.post(report_url(contract), data, follow=True)

    report = AnnualReport.objects.get(contract=contract, year=1)
    assert report.status == ReportStatus.DRAFT and report.comment == "Brouillon"
    text = page_text(response)
    assert "Le rapport est enregistré." in text
    assert "Reste à fournir" in text and "Le rapport d'activité" in text


def test_incomplete_report_is_refused_with_the_missing_list(client, contract, director):
    client.force_login(director)
    commitment = _first_commitment(contract)
    data = {"action": "submit", "comment": "Presque prêt", f"achieved_{commitment.pk}": 2}

    response = client.post(report_url(contract), data)

    assert response.status_code == 200
    report = AnnualReport.objects.get(contract=contract, year=1)
    assert report.status == ReportStatus.DRAFT
    # Saved and transmitted by one service: what was valid stays when the report cannot go.
    assert report.comment == "Presque prêt"
    assert report.achievements.get(commitment=commitment).achieved == 2
    text = page_text(response)
    assert "Le rapport ne peut pas encore être transmis" in text
    assert "Le rapport d'activité" in text and "Le rapport financier" in text
    other = contract.commitments.filter(year=1).exclude(pk=commitment.pk).first()
    assert f"La valeur réalisée de « {other.name} »" in text
    assert report.achievements.get(commitment=commitment).achieved == 2


def test_a_bad_file_is_refused_and_the_other_values_are_kept(client, contract, director):
    client.force_login(director)
    commitment = _first_commitment(contract)
    data = report_form(contract, comment="Gardé malgré l'erreur")
    data["financial_report"] = SimpleUploadedFile("finances.pdf", b"not a pdf at all")
    data[f"evidence_{commitment.pk}"] = SimpleUploadedFile("preuve.exe", b"MZ binary")

    response = client.post(report_url(contract), data)

    assert response.status_code == 200
    report = AnnualReport.objects.get(contract=contract, year=1)
    assert report.comment == "Gardé malgré l'erreur"
    assert report.activity_report and not report.financial_report
    assert report.achievements.count() == contract.commitments.filter(year=1).count()
    assert not report.achievements.get(commitment=commitment).evidence
    form = response.context["form"]
    assert "financial_report" in form.errors
    assert f"evidence_{commitment.pk}" in form.errors
    assert f'value="{commitment.target}"' in page_text(response)


def test_a_value_cannot_be_negative(client, contract, director):
    client.force_login(director)
    commitment = _first_commitment(contract)
    response = client.post(
        report_url(contract), {"action": "save", f"achieved_{commitment.pk}": -1}
    )
    assert response.status_code == 200
    assert f"achieved_{commitment.pk}" in response.context["form"].errors


def test_anonymous_is_sent_to_log_in(client, contract):
    response = client.get(report_url(contract))
    assert response.status_code == 302 and "connexion" in response.url


def test_outsider_director_gets_404(client, contract, outsider):
    client.force_login(outsider)
    assert client.get(report_url(contract)).status_code == 404
    assert not AnnualReport.objects.exists()


@pytest.mark.parametrize("person", ["evaluator", "committee_member"])
def test_evaluation_staff_cannot_see_reports(client, contract, person, request):
    client.force_login(request.getfixturevalue(person))
    assert client.get(report_url(contract)).status_code == 404
    assert client.get(report_url(contract, name="report_review")).status_code == 403


def test_year_two_waits_for_year_one(client, contract, director):
    client.force_login(director)
    response = client.get(report_url(contract, year=2), follow=True)
    assert "Transmettez d'abord le rapport de l'année 1." in page_text(response)
    assert not AnnualReport.objects.exists()


def test_director_cannot_review(client, contract, director):
    filed_report(contract, director)
    client.force_login(director)
    assert client.get(report_url(contract, name="report_review")).status_code == 403
    response = client.post(report_url(contract, name="report_approve"), {})
    assert response.status_code == 403


# The ministry's review ------------------------------------------------------------------------


def test_review_shows_the_rate_and_the_tranches_approval_would_release(
    client, contract, director, administrator
):
    filed_report(contract, director, share=Decimal("0.4"))
    client.force_login(administrator)

    response = client.get(report_url(contract))  # the administrator lands on the review
    assert response.status_code == 302
    response = client.get(response.url)

    text = page_text(response)
    assert response.context["rate"] < Decimal("50")
    preview = response.context["preview"]
    assert [(row["tranche"].year, row["tranche"].position) for row in preview] == [
        (1, 2),
        (2, 1),
    ]
    assert "Approuver" in text and "Demander des compléments" in text


def test_admin_approves_then_tranches_are_due_and_the_cluster_is_told(
    client, contract, director, administrator
):
    filed_report(contract, director)
    client.force_login(administrator)

    response = client.post(
        report_url(contract, name="report_approve"),
        {"approve-comment": "Bon travail."},
        follow=True,
    )

    report = AnnualReport.objects.get(contract=contract, year=1)
    assert report.status == ReportStatus.APPROVED
    assert report.achievement_rate == Decimal("100.00")
    text = page_text(response)
    assert "est approuvé" in text
    assert "Enregistrer le versement" in text
    assert contract.tranches.filter(status=TrancheStatus.DUE).count() == 3
    assert OutgoingMail.objects.filter(template="report_reviewed", to=director.email).exists()


def test_admin_asks_for_changes_and_the_director_can_edit_again(
    client, contract, director, administrator
):
    filed_report(contract, director)
    client.force_login(administrator)
    refused = client.post(report_url(contract, name="report_request_changes"), {})
    assert refused.status_code == 200
    assert "Précisez les compléments attendus" in page_text(refused)

    client.post(
        report_url(contract, name="report_request_changes"),
        {"changes-review_comment": "Joignez les conventions des projets."},
    )

    report = AnnualReport.objects.get(contract=contract, year=1)
    assert report.status == ReportStatus.CHANGES_REQUESTED
    client.force_login(director)
    response = client.get(report_url(contract))
    text = page_text(response)
    assert "Le ministère demande des compléments" in text
    assert "Joignez les conventions des projets." in text
    assert "Transmettre au ministère" in text
    response = client.post(report_url(contract), {**report_form(contract), "action": "submit"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


# Panels ---------------------------------------------------------------------------------------


def test_contract_page_lists_the_reports_and_the_actions_by_role(
    client, contract, director, administrator
):
    client.force_login(director)
    text = page_text(client.get(reverse("contracts:detail", args=[contract.pk])))
    assert "Rapports annuels" in text and "Rédiger le rapport" in text
    assert "Versements" in text and "Enregistrer le versement" not in text

    filed_report(contract, director)
    client.force_login(administrator)
    text = page_text(client.get(reverse("contracts:detail", args=[contract.pk])))
    assert "Examiner" in text
    assert "Enregistrer le versement" in text  # the signature tranche is due


def test_director_dashboard_lists_the_report_to_file(client, contract, director, outsider):
    client.force_login(director)
    text = page_text(client.get(reverse("core:dashboard")))
    assert "Rapports annuels à rendre" in text and contract.reference in text
    client.force_login(outsider)
    assert "Rapports annuels à rendre" not in page_text(client.get(reverse("core:dashboard")))


def test_director_dashboard_query_count_is_flat(
    client, administrator, director, django_assert_max_num_queries
):
    call = decided_call(budget_envelope=Decimal("100000000"))
    active_contract(administrator, director, call=call)
    client.force_login(director)
    url = reverse("core:dashboard")
    client.get(url)
    # First views both (the director's panel is cached once seen): nothing held over.
    cache.clear()
    # A ceiling (SQLite reads the panel's version table by table); what counts is below.
    with django_assert_max_num_queries(45) as one:
        client.get(url)
    for _ in range(3):
        # One cluster per director: the director co-edits the others.
        other = active_contract(administrator, DirectorFactory(), call=call)
        other.cluster.co_editors.add(director)
    cache.clear()
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["panels"]) and page_text(response).count("Rédiger le rapport") == 4


# Payments -------------------------------------------------------------------------------------


def _due_tranche(contract):
    return contract.tranches.get(year=1, position=1)


def payment_url(tranche):
    return reverse("contracts:payment_record", args=[tranche.pk])


def test_payment_form_is_prefilled_with_today_and_the_due_amount(client, contract, administrator):
    client.force_login(administrator)
    tranche = _due_tranche(contract)
    form = client.get(payment_url(tranche)).context["form"]
    assert form["paid_on"].value() == timezone.localdate()
    assert form["amount"].value() == tranche.due_amount


def test_payment_is_recorded_once_and_refused_the_second_time(client, contract, administrator):
    client.force_login(administrator)
    tranche = _due_tranche(contract)
    data = {
        "paid_on": timezone.localdate().isoformat(),
        "amount": str(tranche.due_amount),
        "reference": "VIR-2025-0042",
    }

    response = client.post(payment_url(tranche), data, follow=True)

    assert "est enregistré" in page_text(response)
    assert "VIR-2025-0042" in page_text(response)
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.PAID
    assert OutgoingMail.objects.filter(template="payment_recorded").exists()

    again = client.post(payment_url(tranche), {**data, "reference": "VIR-2025-0043"})
    assert again.status_code == 200
    assert "Cette tranche est déjà versée." in page_text(again)
    assert Payment.objects.count() == 1


def test_payment_above_the_due_amount_is_refused(client, contract, administrator):
    client.force_login(administrator)
    tranche = _due_tranche(contract)
    data = {
        "paid_on": timezone.localdate().isoformat(),
        "amount": str(tranche.due_amount + Decimal("0.01")),
        "reference": "VIR-1",
    }
    response = client.post(payment_url(tranche), data)
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    assert 'value="VIR-1"' in page_text(response)
    assert not Payment.objects.exists()


def test_payment_in_the_future_is_refused(client, contract, administrator):
    client.force_login(administrator)
    tranche = _due_tranche(contract)
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {"paid_on": tomorrow.isoformat(), "amount": "1", "reference": "VIR-1"}
    response = client.post(payment_url(tranche), data)
    assert "paid_on" in response.context["form"].errors
    assert not Payment.objects.exists()


def test_a_planned_tranche_cannot_be_paid(client, contract, administrator):
    client.force_login(administrator)
    tranche = contract.tranches.get(year=1, position=2)
    data = {"paid_on": timezone.localdate().isoformat(), "amount": "1", "reference": "VIR-1"}
    response = client.post(payment_url(tranche), data)
    assert "n'est pas exigible" in page_text(response)
    assert not Payment.objects.exists()


@pytest.mark.parametrize("person", ["director", "outsider", "evaluator"])
def test_only_administrators_record_payments(client, contract, person, request):
    client.force_login(request.getfixturevalue(person))
    tranche = _due_tranche(contract)
    assert client.get(payment_url(tranche)).status_code == 403
    data = {"paid_on": timezone.localdate().isoformat(), "amount": "1", "reference": "X"}
    assert client.post(payment_url(tranche), data).status_code == 403
    assert not Payment.objects.exists()


# Files ----------------------------------------------------------------------------------------


@pytest.fixture
def filed(contract, director):
    report = filed_report(contract, director)
    commitment = _first_commitment(contract)
    from ..services.reports import achievement_save

    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.DRAFT)
    achievement_save(
        actor=director,
        report=report,
        commitment=commitment,
        achieved=commitment.target,
        evidence=pdf_file("preuve.pdf"),
    )
    return report


def _file_urls(report):
    line = report.achievements.exclude(evidence="").get()
    args = [report.contract_id, report.year]
    return [
        reverse("contracts:report_file", args=[*args, "activity_report"]),
        reverse("contracts:report_file", args=[*args, "financial_report"]),
        reverse("contracts:report_evidence", args=[*args, line.pk]),
    ]


@pytest.mark.parametrize("person", ["director", "administrator"])
def test_cluster_and_ministry_download_the_files(client, filed, person, request):
    client.force_login(request.getfixturevalue(person))
    for url in _file_urls(filed):
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("person", ["outsider", "evaluator", "committee_member"])
def test_others_cannot_download_the_files(client, filed, person, request):
    client.force_login(request.getfixturevalue(person))
    for url in _file_urls(filed):
        assert client.get(url).status_code == 404


def test_download_names_say_what_the_file_is(client, filed, director):
    client.force_login(director)
    urls = _file_urls(filed)
    activity = client.get(urls[0])
    assert "rapport-activite-" in activity["Content-Disposition"]
    assert "preuve.pdf" in client.get(urls[2])["Content-Disposition"]


def test_approved_report_is_read_only_for_the_director(client, contract, director, administrator):
    report = report_approve(actor=administrator, report=filed_report(contract, director))
    client.force_login(director)
    text = page_text(client.get(report_url(contract)))
    assert "Rapport approuvé par le ministère" in text
    assert "Transmettre au ministère" not in text
    response = client.post(report_url(contract), report_form(contract, comment="Après coup"))
    report.refresh_from_db()
    assert report.comment != "Après coup"
    assert response.status_code == 302


def test_paid_tranche_shows_its_payment_on_the_contract_page(client, contract, administrator):
    from ..services.payments import payment_record

    tranche = Tranche.objects.get(contract=contract, year=1, position=1)
    payment_record(
        actor=administrator,
        tranche=tranche,
        paid_on=timezone.localdate(),
        amount=tranche.due_amount,
        reference="VIR-77",
    )
    client.force_login(administrator)
    text = page_text(client.get(reverse("contracts:detail", args=[contract.pk])))
    assert "VIR-77" in text


# In the browser -------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_report_review_and_payment_in_the_browser(
    live_server, page, settings, tmp_path, administrator, director
):
    settings.SITE_URL = live_server.url
    contract = active_contract(administrator, director)
    files = {}
    for name in ("activite.pdf", "finances.pdf", "preuve-projets.pdf"):
        files[name] = tmp_path / name
        files[name].write_bytes(PDF)
    detail = f"{live_server.url}{reverse('contracts:detail', args=[contract.pk])}"

    # The director finds the report on their space, fills it and transmits it.
    log_in(page, live_server, director)
    screenshot(page, "reports-dashboard-fr")
    page.get_by_role("link", name=re.compile("Rédiger le rapport")).first.click()
    page.wait_for_url(re.compile(r".*/rapports/1/$"))
    page.get_by_role("button", name="Transmettre au ministère").click()
    page.get_by_text("Le rapport ne peut pas encore être transmis").wait_for()
    screenshot(page, "report-incomplete-fr")
    for field in page.locator("input[name^=achieved_]").all():
        field.fill("3")
    page.locator("input[name^=evidence_]").first.set_input_files(files["preuve-projets.pdf"])
    page.locator("#id_activity_report").set_input_files(files["activite.pdf"])
    page.locator("#id_financial_report").set_input_files(files["finances.pdf"])
    page.locator("#id_comment").fill("Première année : équipe d'animation recrutée.")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Le rapport est enregistré.").wait_for()
    screenshot(page, "report-draft-fr")
    page.get_by_role("button", name="Transmettre au ministère").click()
    page.get_by_text("a bien été transmis au ministère").wait_for()
    screenshot(page, "report-submitted-fr")
    page.goto(page.url)
    page.get_by_role("button", name=re.compile("العرب")).click()
    page.wait_for_selector("html[dir=rtl]")
    screenshot(page, "report-submitted-ar")

    # The administrator reviews and approves it, then records the payment of a due tranche.
    log_in(page, live_server, administrator)
    page.goto(detail)
    screenshot(page, "contract-reports-admin-fr")
    page.get_by_role("link", name=re.compile("Examiner")).click()
    page.get_by_text("Tranches que l'approbation rendra exigibles").wait_for()
    screenshot(page, "report-review-fr")
    page.get_by_role("button", name="Approuver").click()
    page.get_by_text("est approuvé").wait_for()
    screenshot(page, "contract-payments-fr")
    page.get_by_role("link", name=re.compile("Enregistrer le versement")).first.click()
    page.get_by_label("Référence du virement").fill("VIR-2025-0001")
    screenshot(page, "payment-form-fr")
    page.get_by_role("button", name="Enregistrer le versement").click()
    page.get_by_text("est enregistré").wait_for()
    assert Payment.objects.filter(reference="VIR-2025-0001").exists()
    screenshot(page, "contract-paid-fr")

    log_in(page, live_server, administrator, language="ar")
    page.goto(detail)
    screenshot(page, "contract-payments-ar")
    page.goto(f"{live_server.url}{report_url(contract, name='report_review')}")
    screenshot(page, "report-review-ar")


def test_review_preview_matches_what_approval_records_below_the_threshold(
    client, contract, director, administrator
):
    report_approve(actor=administrator, report=filed_report(contract, director))
    filed_report(contract, director, year=2, share=Decimal("0.4"))
    client.force_login(administrator)

    response = client.get(report_url(contract, year=2, name="report_review"))
    preview = {row["tranche"].pk: row["due"] for row in response.context["preview"]}
    reduced = [row for row in response.context["preview"] if row["reduced"]]
    assert len(reduced) == 1 and "réduite selon le taux de réalisation" in page_text(response)

    client.post(report_url(contract, year=2, name="report_approve"), {})
    recorded = dict(Tranche.objects.filter(pk__in=preview).values_list("pk", "due_amount"))
    assert recorded == preview
    text = page_text(client.get(reverse("contracts:detail", args=[contract.pk])))
    assert "réduction :" in text


def test_an_empty_post_on_the_report_page_is_answered_without_error(
    client, administrator, director
):
    contract = active_contract(administrator, director)
    client.force_login(director)

    response = client.post(reverse("contracts:report", args=[contract.pk, 1]), {})

    assert response.status_code in (200, 302)
