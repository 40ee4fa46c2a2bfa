"""Hostile files through the real pages: the dossier's document upload and the annual report
(a form with values beside its files). Each is refused with a message in French, nothing is
stored, and nothing else the person gave is lost."""

import hashlib
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from applications.choices import DocumentPart
from applications.models import DossierDocument
from applications.services import dossiers as services
from applications.services.documents import document_upload
from applications.tests.builders import PDF, draft_for, pdf_file
from applications.tests.factories import CallFactory, RequiredDocumentFactory
from applications.tests.hostile_files import HOSTILE_FILES, HOSTILE_NAMES
from core.tests.client import page_text
from core.uploads import FileType

pytestmark = pytest.mark.django_db

GOVERNANCE = "Conseil d'administration élu, comité de pilotage trimestriel."
RANDOM_NAME = re.compile(r"^dossiers/\d+/[0-9a-f]{32}\.pdf$")


@pytest.fixture
def dossier(director):
    """A draft with a section written and the statutes given: what a refusal must not lose."""
    call = CallFactory()
    for label, part in (("Statuts", DocumentPart.ADMINISTRATIVE), ("Plan", DocumentPart.TECHNICAL)):
        RequiredDocumentFactory(
            call=call, label=label, part=part, allowed_types=list(FileType.values), max_size_mb=1
        )
    dossier = draft_for(director, call=call)
    services.dossier_section_save(
        actor=director, dossier=dossier, slug="gouvernance", values={"governance": GOVERNANCE}
    )
    document_upload(
        actor=director, dossier=dossier, requirement=_requirement(dossier), uploaded=pdf_file()
    )
    return dossier


def _requirement(dossier, label="Statuts"):
    return dossier.call.required_documents.get(label=label)


def _upload_url(dossier, label="Statuts"):
    return reverse(
        "applications:document_upload", args=[dossier.pk, _requirement(dossier, label).pk]
    )


def _stored(folder):
    try:
        return sorted(f"{folder}/{name}" for name in default_storage.listdir(folder)[1])
    except FileNotFoundError:
        return []


def _multipart(filename, content, boundary="hostile-boundary"):
    """The request a script would send: the test client would clean the name on its own."""
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    body = head + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _assert_draft_intact(dossier, stored_before):
    dossier.refresh_from_db()
    assert dossier.governance == GOVERNANCE
    document = DossierDocument.objects.get(dossier=dossier)
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.original_name == "statuts.pdf"
    assert _stored(f"dossiers/{dossier.pk}") == stored_before
    assert default_storage.open(document.file.name).read() == PDF


@pytest.mark.parametrize("hostile", HOSTILE_FILES, ids=lambda hostile: hostile.case)
def test_a_hostile_file_is_refused_on_the_dossier_page_and_nothing_is_lost(
    client, director, dossier, hostile
):
    client.force_login(director)
    stored_before = _stored(f"dossiers/{dossier.pk}")

    response = client.post(_upload_url(dossier), {"file": hostile.upload()})

    assert response.status_code == 200
    text = page_text(response)
    assert "Le fichier n'a pas été enregistré" in text
    assert hostile.message in text
    _assert_draft_intact(dossier, stored_before)


def test_a_file_over_the_size_of_its_piece_is_refused(client, director, dossier):
    client.force_login(director)
    stored_before = _stored(f"dossiers/{dossier.pk}")
    big = pdf_file("statuts.pdf", PDF + b"0" * (1024 * 1024))

    response = client.post(_upload_url(dossier), {"file": big})

    assert "Le fichier dépasse la taille maximum de 1 Mo." in page_text(response)
    _assert_draft_intact(dossier, stored_before)


@pytest.mark.parametrize(("raw_name", "shown"), HOSTILE_NAMES)
def test_a_hostile_name_reaches_no_path_and_is_shown_clean(
    client, director, dossier, raw_name, shown
):
    # A receipt where a climbing name would aim: it must come out untouched.
    receipt = default_storage.save("receipts/1/DOS-2026-0001-AR01.pdf", ContentFile(b"receipt"))
    client.force_login(director)
    body, content_type = _multipart(raw_name, PDF)

    response = client.post(_upload_url(dossier, "Plan"), body, content_type=content_type)

    assert response.status_code == 302
    document = DossierDocument.objects.get(
        dossier=dossier, requirement=_requirement(dossier, "Plan")
    )
    assert document.original_name == shown
    assert RANDOM_NAME.match(document.file.name)
    assert default_storage.open(receipt).read() == b"receipt"
    page = page_text(client.get(response["Location"]))
    assert shown in page and raw_name not in page


def test_the_same_name_twice_keeps_both_files_under_distinct_names(client, director, dossier):
    client.force_login(director)
    statutes = DossierDocument.objects.get(dossier=dossier)
    other_pdf = PDF.replace(b"595 842", b"842 595")
    # Even a name copied from where the first file is stored cannot reach it.
    stored_as = statutes.file.name.rsplit("/", 1)[-1]
    for name in ("statuts.pdf", stored_as):
        response = client.post(_upload_url(dossier, "Plan"), {"file": pdf_file(name, other_pdf)})
        assert response.status_code == 302

    plan = DossierDocument.objects.get(dossier=dossier, requirement=_requirement(dossier, "Plan"))
    assert plan.file.name != statutes.file.name
    assert default_storage.open(statutes.file.name).read() == PDF
    assert default_storage.open(plan.file.name).read() == other_pdf
    assert len(_stored(f"dossiers/{dossier.pk}")) == 2


def test_an_ordinary_office_file_still_passes(client, director, dossier):
    """The hardening refuses what is dangerous, not the files directors really have."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Année", "Budget"])
    workbook.active.append([2026, 3_000_000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(director)

    response = client.post(
        _upload_url(dossier, "Plan"), {"file": pdf_file("budget.xlsx", buffer.getvalue())}
    )

    assert response.status_code == 302
    assert DossierDocument.objects.filter(dossier=dossier).count() == 2
