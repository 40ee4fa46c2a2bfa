"""Antivirus scanning of dossier files against a real clamd (core/tests/clamav.py): a file
counts once found clean; an infected one is quarantined and the people concerned are told."""

import socket
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage, storages
from django.urls import reverse
from django.utils import timezone

from applications.choices import ScanStatus
from applications.models import Call, DocumentRequest, DossierDocument, DossierStatus
from applications.services.documents import document_upload
from applications.services.requests import request_answer, request_document_upload
from applications.services.submission import dossier_submit, dossier_transition
from applications.tasks import document_scan, documents_rescan
from applications.tests.builders import PDF, call_with_checklist, complete, draft_for, pdf_file
from applications.tests.hostile_files import INFECTED_PDF
from core.antivirus import AntivirusUnavailable, parse_answer, ping, scan_stream
from core.errors import ApplicationError
from core.journal import journal_for
from core.models import OutgoingMail
from core.tests.clamav import EICAR
from core.tests.client import page_text

pytestmark = pytest.mark.django_db


class Chunks:
    """A file-like object for scan_stream, from bytes."""

    def __init__(self, data):
        self.data = data

    def read(self, size):
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk


@pytest.fixture
def scanning(settings, clamd_socket, dossier):
    """Scanning on, once the dossier's first files were given without it."""
    settings.CLAMD_SOCKET = clamd_socket
    return clamd_socket


@pytest.fixture
def dossier(director):
    """A complete draft, its files given before scanning was turned on."""
    return complete(draft_for(director, call=call_with_checklist()), director)


def _statutes(dossier):
    return dossier.call.required_documents.get(label="Statuts")


def _upload_waiting(director, dossier, content, capture):
    """Upload through the service, holding back the scan task the commit would start."""
    with capture() as callbacks:
        document = document_upload(
            actor=director,
            dossier=dossier,
            requirement=_statutes(dossier),
            uploaded=pdf_file("statuts.pdf", content),
        )
    return document, callbacks


def _submit(director, dossier):
    dossier_submit(actor=director, dossier=dossier, declaration=True)


# The client, against the real daemon --------------------------------------------------------


def test_clamd_tells_the_eicar_file_and_a_clean_pdf_apart(clamd_socket):
    assert ping(path=clamd_socket)
    eicar = scan_stream(Chunks(EICAR), path=clamd_socket)
    assert eicar.infected and eicar.signature.startswith("Eicar-Test-Signature")
    assert scan_stream(Chunks(INFECTED_PDF), path=clamd_socket).infected
    assert not scan_stream(Chunks(PDF * 5000), path=clamd_socket).infected


def test_an_unreachable_or_confused_daemon_is_a_fault_not_a_verdict(tmp_path):
    with pytest.raises(AntivirusUnavailable):
        scan_stream(Chunks(PDF), path=str(tmp_path / "absent.sock"))
    assert not ping(path=str(tmp_path / "absent.sock"))
    with pytest.raises(AntivirusUnavailable):
        parse_answer("INSTREAM size limit exceeded. ERROR")
    with pytest.raises(AntivirusUnavailable):
        parse_answer("")


def test_a_daemon_that_never_answers_times_out(tmp_path):
    path = str(tmp_path / "silent.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as silent:
        silent.bind(path)
        silent.listen(1)
        with pytest.raises(AntivirusUnavailable):
            scan_stream(Chunks(PDF), path=path, timeout=0.5)


# Through the dossier ------------------------------------------------------------------------


def test_without_antivirus_a_file_counts_at_once(client, director, dossier):
    document = DossierDocument.objects.get(dossier=dossier, requirement=_statutes(dossier))
    assert document.scan_status == ScanStatus.CLEAN and document.scanned_at
    _submit(director, dossier)


def test_an_infected_file_is_quarantined_and_the_director_told_once(
    client, scanning, director, administrator, dossier, django_capture_on_commit_callbacks
):
    document, callbacks = _upload_waiting(
        director, dossier, INFECTED_PDF, django_capture_on_commit_callbacks
    )
    stored_as = document.file.name
    assert document.scan_status == ScanStatus.PENDING
    client.force_login(director)
    section = reverse("applications:dossier_section", args=[dossier.pk, "pieces-administratives"])
    assert "en cours d'analyse antivirus" in page_text(client.get(section))
    download = reverse("applications:document_download", args=[dossier.pk, document.pk])
    assert client.get(download).status_code == 404
    with pytest.raises(ApplicationError, match="en cours d'analyse antivirus"):
        _submit(director, dossier)

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    document.refresh_from_db()
    assert document.scan_status == ScanStatus.INFECTED
    assert document.scan_signature.startswith("Eicar-Test-Signature")
    assert not document.file and not default_storage.exists(stored_as)
    assert storages["quarantine"].open(document.quarantine_name).read() == INFECTED_PDF
    assert client.get(download).status_code == 404
    mails = OutgoingMail.objects.filter(template="document_infected")
    assert sorted(mails.values_list("to", flat=True)) == sorted(
        [director.email, administrator.email]
    )
    assert "Eicar-Test-Signature" in mails.get(to=director.email).body_text
    entry = journal_for(dossier).get(action="dossier.document_infected")
    assert entry.data["quarantine"] == document.quarantine_name
    page = page_text(client.get(section))
    assert "L'antivirus a détecté une menace dans « statuts.pdf »" in page
    detail = page_text(client.get(reverse("applications:dossier_detail", args=[dossier.pk])))
    assert "menace dans le fichier « statuts.pdf » déposé pour « Statuts »" in detail
    assert "Statuts (fichier refusé par l'antivirus, déposez-en un autre)" in page_text(
        client.get(reverse("applications:dossier_review", args=[dossier.pk]))
    )
    with pytest.raises(ApplicationError, match="refusé par l'antivirus"):
        _submit(director, dossier)

    # The task delivered twice (a worker lost after its work) changes nothing and sends nothing.
    document_scan.delay(document.pk, stored_as)
    assert mails.count() == 2


def test_a_clean_file_counts_once_scanned(client, scanning, director, dossier):
    client.force_login(director)
    url = reverse("applications:document_upload", args=[dossier.pk, _statutes(dossier).pk])

    response = client.post(url, {"file": pdf_file("statuts-signes.pdf")})

    assert response.status_code == 302
    document = DossierDocument.objects.get(dossier=dossier, requirement=_statutes(dossier))
    assert document.scan_status == ScanStatus.CLEAN and document.scanned_at
    assert not OutgoingMail.objects.filter(template="document_infected").exists()
    _submit(director, dossier)
    assert [file["name"] for file in dossier.receipts.get().files].count("statuts-signes.pdf") == 1


def test_a_replaced_file_is_not_judged_on_the_old_scan(
    scanning, director, dossier, django_capture_on_commit_callbacks
):
    _first, old_scan = _upload_waiting(
        director, dossier, INFECTED_PDF, django_capture_on_commit_callbacks
    )
    document, _new_scan = _upload_waiting(
        director, dossier, PDF, django_capture_on_commit_callbacks
    )

    for callback in old_scan:
        callback()

    document.refresh_from_db()
    assert document.scan_status == ScanStatus.PENDING
    assert not OutgoingMail.objects.filter(template="document_infected").exists()


def test_with_clamd_away_the_file_waits_then_the_rescan_judges_it(
    settings, clamd_socket, tmp_path, director, dossier, django_capture_on_commit_callbacks
):
    settings.CLAMD_SOCKET = str(tmp_path / "absent.sock")
    document, callbacks = _upload_waiting(
        director, dossier, PDF, django_capture_on_commit_callbacks
    )
    for callback in callbacks:
        callback()  # every retry fails at once, inline
    document.refresh_from_db()
    assert document.scan_status == ScanStatus.ERROR
    with pytest.raises(ApplicationError, match="en cours d'analyse antivirus"):
        _submit(director, dossier)

    settings.CLAMD_SOCKET = clamd_socket
    DossierDocument.objects.filter(pk=document.pk).update(
        uploaded_at=document.uploaded_at.replace(year=2000)
    )
    assert documents_rescan.delay().get() == 1

    document.refresh_from_db()
    assert document.scan_status == ScanStatus.CLEAN
    _submit(director, dossier)


def test_an_answer_to_a_request_waits_for_the_verdict_on_its_files(
    settings, clamd_socket, director, administrator, dossier, django_capture_on_commit_callbacks
):
    dossier_submit(actor=director, dossier=dossier, declaration=True)
    now = timezone.now()
    Call.objects.filter(pk=dossier.call_id).update(
        opens_at=now - timedelta(days=60), closes_at=now - timedelta(hours=1)
    )
    dossier_transition(actor=administrator, dossier=dossier, action="request_documents")
    request = DocumentRequest.objects.create(
        dossier=dossier,
        message="Statuts signés.",
        reply_by=now + timedelta(days=3),
        created_by=administrator,
    )
    request.requirements.set([_statutes(dossier)])
    settings.CLAMD_SOCKET = clamd_socket
    with django_capture_on_commit_callbacks() as callbacks:
        request_document_upload(
            actor=director,
            dossier=dossier,
            requirement=_statutes(dossier),
            uploaded=pdf_file("statuts-signes.pdf", INFECTED_PDF),
        )
    with pytest.raises(ApplicationError, match="en cours d'analyse antivirus"):
        request_answer(actor=director, dossier=dossier)

    for callback in callbacks:
        callback()

    with pytest.raises(ApplicationError, match="refusé par l'antivirus"):
        request_answer(actor=director, dossier=dossier)
    with django_capture_on_commit_callbacks(execute=True):
        request_document_upload(
            actor=director,
            dossier=dossier,
            requirement=_statutes(dossier),
            uploaded=pdf_file("statuts-propres.pdf", PDF + b"% propre\n"),
        )
    assert request_answer(actor=director, dossier=dossier).status == DossierStatus.SUBMITTED


@pytest.fixture
def scanned_at_commit(monkeypatch, scanning):
    """As without a broker: the scan runs as the upload's transaction commits, before the
    view answers (the test client would only run it once the response is made)."""
    monkeypatch.setattr(
        "applications.services.documents._scan_later",
        lambda document: document_scan(document.pk, document.file.name),
    )


def test_an_upload_found_infected_says_so_and_never_that_it_was_saved(
    client, scanned_at_commit, director, dossier
):
    client.force_login(director)
    url = reverse("applications:document_upload", args=[dossier.pk, _statutes(dossier).pk])

    page = page_text(client.post(url, {"file": pdf_file("statuts.pdf", INFECTED_PDF)}, follow=True))

    assert "L'antivirus a détecté une menace dans « statuts.pdf »" in page
    assert "est enregistré" not in page


def test_an_upload_by_htmx_found_infected_shows_its_card_without_success(
    client, scanned_at_commit, director, dossier
):
    client.force_login(director)
    url = reverse("applications:document_upload", args=[dossier.pk, _statutes(dossier).pk])

    card = page_text(
        client.post(url, {"file": pdf_file("statuts.pdf", INFECTED_PDF)}, HTTP_HX_REQUEST="true")
    )

    assert "L'antivirus a détecté une menace dans « statuts.pdf »" in card
    assert "est enregistré" not in card
