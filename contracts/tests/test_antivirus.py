"""Contract files scanned by a real clamd (core/tests/clamav.py) when they are uploaded: an
infected file is refused with its name and nothing is stored, the refusal is journalled, and
the rest of the form is kept; clamd out of reach refuses the file until it is back."""

import pytest
from django.test import override_settings
from django.urls import reverse

from applications.tests.builders import pdf_file
from applications.tests.hostile_files import INFECTED_PDF
from core.journal import journal_for
from core.tests.client import page_text

from ..models import AnnualReport, ContractStatus
from ..services import lifecycle
from .factories import active_contract, report_form_data, sent_contract, stored_files

pytestmark = pytest.mark.django_db

COMMENT = "Année de lancement : trois projets collaboratifs démarrés."
UNAVAILABLE = "L'analyse antivirus est momentanément impossible : réessayez dans quelques minutes."


@pytest.fixture
def scanning(settings, clamd_socket):
    settings.CLAMD_SOCKET = clamd_socket
    return clamd_socket


@pytest.fixture
def sent(administrator, director):
    return sent_contract(administrator, director=director)


def _url(name, contract, *args):
    return reverse(f"contracts:{name}", args=[contract.pk, *args])


def _infected_message(name):
    return f"Le fichier « {name} » contient un virus (Eicar-Test-Signature"


def _refusals(contract):
    return list(journal_for(contract).filter(action="contract.file_infected"))


def _sign(client, director, contract, content):
    client.force_login(director)
    return client.post(_url("sign", contract), {"scan": pdf_file("contrat-signe.pdf", content)})


# The signed contract and the final copy -----------------------------------------------------


def test_an_infected_signed_scan_is_refused_and_journalled(client, scanning, director, sent):
    response = _sign(client, director, sent, INFECTED_PDF)

    assert response.status_code == 400
    text = page_text(response)
    assert _infected_message("contrat-signe.pdf") in text
    assert "et a été refusé." in text
    sent.refresh_from_db()
    assert sent.status == ContractStatus.SENT
    assert not sent.signed_scan and not sent.signed_at
    assert stored_files(f"contracts/{sent.pk}") == []
    [refusal] = _refusals(sent)
    assert refusal.actor == director
    assert refusal.data["name"] == "contrat-signe.pdf"
    assert refusal.data["signature"].startswith("Eicar-Test-Signature")
    assert not journal_for(sent).filter(action="contract.sign").exists()


def test_a_clean_signed_scan_is_accepted(client, scanning, director, sent):
    response = _sign(client, director, sent, pdf_file().read())

    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == ContractStatus.SIGNED and sent.signed_scan
    assert _refusals(sent) == []


def test_an_infected_final_copy_keeps_the_contract_signed(
    client, scanning, administrator, director, sent
):
    signed = lifecycle.contract_sign(actor=director, contract=sent, scan=pdf_file("signe.pdf"))
    client.force_login(administrator)

    response = client.post(
        _url("activate", signed), {"final_copy": pdf_file("final.pdf", INFECTED_PDF)}
    )

    assert response.status_code == 400
    assert _infected_message("final.pdf") in page_text(response)
    signed.refresh_from_db()
    assert signed.status == ContractStatus.SIGNED and not signed.final_copy
    [refusal] = _refusals(signed)
    assert refusal.actor == administrator and refusal.data["name"] == "final.pdf"


def test_without_clamd_the_signed_scan_waits(client, tmp_path, director, sent):
    with override_settings(CLAMD_SOCKET=str(tmp_path / "absent.sock")):
        response = _sign(client, director, sent, pdf_file().read())

    assert response.status_code == 400
    assert UNAVAILABLE in page_text(response)
    sent.refresh_from_db()
    assert sent.status == ContractStatus.SENT and not sent.signed_scan
    assert stored_files(f"contracts/{sent.pk}") == []
    assert _refusals(sent) == []


# The annual report --------------------------------------------------------------------------


@pytest.fixture
def active(administrator, director):
    return active_contract(administrator, director)


def _post_report(client, director, contract, **files):
    client.force_login(director)
    return client.post(_url("report", contract, 1), report_form_data(contract, COMMENT, **files))


def _first_commitment(contract):
    return contract.commitments.filter(year=1).order_by("pk").first()


def _assert_values_kept(contract, text):
    report = AnnualReport.objects.get(contract=contract, year=1)
    assert report.comment == COMMENT
    for commitment in contract.commitments.filter(year=1):
        line = report.achievements.get(commitment=commitment)
        assert line.achieved == commitment.target + 1
        assert line.comment == f"Réalisé pour {commitment.name}."
    assert "Les informations valides sont enregistrées" in text
    return report


def test_infected_evidence_is_refused_and_the_rest_of_the_report_saved(
    client, scanning, director, active
):
    first = _first_commitment(active)
    evidence = {f"evidence_{first.pk}": pdf_file("preuve.pdf", INFECTED_PDF)}

    response = _post_report(
        client, director, active, activity_report=pdf_file("activite.pdf"), **evidence
    )

    assert response.status_code == 200
    text = page_text(response)
    assert _infected_message("preuve.pdf") in text
    report = _assert_values_kept(active, text)
    assert report.activity_report
    line = report.achievements.get(commitment=first)
    assert not line.evidence and not line.evidence_name
    assert len(stored_files(f"contracts/{active.pk}/reports/1")) == 1
    [refusal] = _refusals(active)
    assert refusal.data["name"] == "preuve.pdf" and refusal.data["field"] == "evidence"


def test_an_infected_activity_report_is_refused_and_the_values_saved(
    client, scanning, director, active
):
    response = _post_report(
        client, director, active, activity_report=pdf_file("activite.pdf", INFECTED_PDF)
    )

    assert response.status_code == 200
    text = page_text(response)
    assert _infected_message("activite.pdf") in text
    report = _assert_values_kept(active, text)
    assert not report.activity_report
    assert stored_files(f"contracts/{active.pk}/reports/1") == []
    [refusal] = _refusals(active)
    assert refusal.actor == director and refusal.data["field"] == "activity_report"


def test_clean_report_files_are_accepted(client, scanning, director, active):
    first = _first_commitment(active)

    response = _post_report(
        client,
        director,
        active,
        activity_report=pdf_file("activite.pdf"),
        **{f"evidence_{first.pk}": pdf_file("preuve.pdf")},
    )

    assert response.status_code in (200, 302)
    report = AnnualReport.objects.get(contract=active, year=1)
    assert report.activity_report
    assert report.achievements.get(commitment=first).evidence_name == "preuve.pdf"
    assert _refusals(active) == []


def test_without_clamd_the_report_files_wait_and_the_values_are_saved(
    client, tmp_path, director, active
):
    first = _first_commitment(active)
    with override_settings(CLAMD_SOCKET=str(tmp_path / "absent.sock")):
        response = _post_report(
            client,
            director,
            active,
            activity_report=pdf_file("activite.pdf"),
            **{f"evidence_{first.pk}": pdf_file("preuve.pdf")},
        )

    assert response.status_code == 200
    text = page_text(response)
    assert UNAVAILABLE in text
    report = _assert_values_kept(active, text)
    assert not report.activity_report
    assert not report.achievements.get(commitment=first).evidence
    assert stored_files(f"contracts/{active.pk}/reports/1") == []
