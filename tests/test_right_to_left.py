"""Arabic pages keep French and Latin data readable: every value typed by a user and every
number with its unit is isolated from the right-to-left sentence around it.

Testers saw "193 — ok_statuts.pdf بايت, …" on the documents page (the size read as part of the
file name, its unit cut off, a Latin comma), scrambled quotation marks and parentheses in the
antivirus message, typed French text ending with its full stop on the wrong side, and "15h00"
in Arabic sentences. Each page below is rendered in Arabic with such data and must carry the
isolation (`<bdi>`, `dir="auto"`, Unicode isolates in plain text) that prevents it.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from applications.choices import ScanStatus
from applications.models import DossierDocument
from applications.services.submission import dossier_submit
from applications.tests.builders import PDF, call_with_checklist, complete, draft_for, pdf_file
from core.formatting import FSI, PDI
from core.mail import mail_queue

pytestmark = pytest.mark.django_db

CASABLANCA = ZoneInfo("Africa/Casablanca")
TITLE = "Appel à projets clusters 2031 (édition « Industrie 4.0 »)."
FILE_NAME = "ok_statuts.pdf"
SIGNATURE = "Eicar-Test-Signature"
TYPED = "Notre cluster fédère 40 PME (dont 12 start-ups)."
REPRESENTATIVE = "Youssef El Amrani"


def _isolated(html, value):
    """The value sits alone in a `<bdi>`, or starts an element whose direction is its own."""
    shown = re.escape(escape(value))
    return bool(
        re.search(rf"<bdi>{shown}</bdi>", html)
        or re.search(rf'<[a-z0-9]+ [^>]*dir="auto"[^>]*>\s*{shown}', html)
    )


def _arabic(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "ar"
    return client


def _closing_at_three_pm():
    day = timezone.localdate() + timedelta(days=20)
    return datetime(day.year, day.month, day.day, 15, 0, tzinfo=CASABLANCA)


@pytest.fixture
def call():
    return call_with_checklist(title=TITLE, closes_at=_closing_at_three_pm())


@pytest.fixture
def dossier(director, call):
    return draft_for(director, call)


def _upload(client, dossier):
    statutes = dossier.call.required_documents.get(label="Statuts")
    url = reverse("applications:document_upload", args=[dossier.pk, statutes.pk])
    response = client.post(url, {"file": pdf_file(FILE_NAME)})
    assert response.status_code == 302
    return DossierDocument.objects.get(dossier=dossier, requirement=statutes)


def _section(client, dossier):
    url = reverse("applications:dossier_section", args=[dossier.pk, "pieces-administratives"])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_public_call_page_isolates_its_title_and_writes_times_the_arabic_way(client, call):
    client.cookies["django_language"] = "ar"

    html = client.get(reverse("applications:call_detail", args=[call.reference])).content.decode()

    assert 'dir="rtl"' in html
    assert _isolated(html, TITLE)
    assert re.search(r'<div dir="auto"><p>Appel à projets pour', html)
    assert "15h00" not in html
    assert "<bdi>15:00</bdi>" in html
    # The accepted types of a document, as a list in Arabic: "PDF، Word".
    assert re.search(r"<td><bdi>[^<]+</bdi>، <bdi>[^<]+</bdi></td>", html)
    assert "</bdi>, <bdi>" not in html


def test_the_french_page_keeps_the_french_way_of_writing_an_hour(client, call):
    html = client.get(reverse("applications:call_detail", args=[call.reference])).content.decode()

    assert "15h00" in html
    assert "15:00" not in html
    assert re.search(r"<td><bdi>[^<]+</bdi>, <bdi>[^<]+</bdi></td>", html)


def test_the_documents_page_keeps_a_file_size_with_its_unit(client, director, dossier):
    _arabic(client, director)
    _upload(client, dossier)

    html = _section(client, dossier)

    assert _isolated(html, FILE_NAME)
    # "193 بايت" is one isolated unit, followed by the Arabic comma and the isolated moment.
    size = f"{len(PDF)}\u00a0بايت"
    assert re.search(rf"— <bdi>{size}</bdi>، <bdi>\d\d/\d\d/\d{{4}} \d\d:\d\d</bdi>", html), (
        "the size, its unit and the upload time must each be isolated, with the Arabic comma"
    )
    assert "بايت," not in html


def test_the_antivirus_message_isolates_the_file_name_and_the_threat(client, director, dossier):
    _arabic(client, director)
    document = _upload(client, dossier)
    DossierDocument.objects.filter(pk=document.pk).update(
        scan_status=ScanStatus.INFECTED, scan_signature=SIGNATURE
    )

    html = _section(client, dossier)

    assert f"«<bdi>{FILE_NAME}</bdi>» (<bdi>{SIGNATURE}</bdi>)" in html
    detail = client.get(reverse("applications:dossier_detail", args=[dossier.pk]))
    assert f"«<bdi>{FILE_NAME}</bdi>»" in detail.content.decode()


def test_the_dossier_pages_give_typed_text_its_own_direction(
    client, director, administrator, dossier
):
    complete(dossier, director)
    dossier.projects.update(title=TYPED)
    _arabic(client, director)

    review = client.get(reverse("applications:dossier_review", args=[dossier.pk]))
    html = review.content.decode()

    assert review.status_code == 200
    assert re.search(r'<dd class="summary-text" dir="auto">Texte de la section', html)
    assert _isolated(html, TYPED)
    assert _isolated(html, TITLE)
    # Members listed with the Arabic comma, each name isolated.
    assert "<bdi>Entreprise 0</bdi>، <bdi>Entreprise 1</bdi>" in html

    dossier_submit(actor=director, dossier=dossier, declaration=True)
    _arabic(client, administrator)
    staff = client.get(reverse("applications:dossier_detail", args=[dossier.pk]))
    assert staff.status_code == 200
    staff_html = staff.content.decode()
    assert _isolated(staff_html, TITLE)
    assert _isolated(staff_html, str(dossier.cluster))
    assert "15h00" not in staff_html


def test_the_contract_page_isolates_the_parties_names(client, administrator, director):
    from contracts.tests.factories import sent_contract

    contract = sent_contract(administrator, director=director)
    contract.representative_name = REPRESENTATIVE
    contract.save(update_fields=["representative_name"])
    _arabic(client, director)

    response = client.get(reverse("contracts:detail", args=[contract.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert _isolated(html, REPRESENTATIVE)
    assert _isolated(html, contract.reference)


def test_a_plain_text_mail_in_arabic_isolates_each_value(director, dossier):
    document = DossierDocument(
        dossier=dossier,
        requirement=dossier.call.required_documents.get(label="Statuts"),
        original_name=FILE_NAME,
        scan_signature=SIGNATURE,
    )
    infected = mail_queue(
        template="document_infected",
        to=director.email,
        language="ar",
        context={"user": director, "dossier": dossier, "document": document, "path": "/"},
    )
    reminder = mail_queue(
        template="deadline_reminder",
        to=director.email,
        language="ar",
        context={"user": director, "dossier": dossier, "call": dossier.call, "days": 3},
    )

    assert f"«{FSI}{FILE_NAME}{PDI}»" in infected.body_text
    assert f"{FSI}{SIGNATURE}{PDI}" in infected.body_text
    assert f"{FSI}{dossier.reference}{PDI}" in infected.subject
    assert f"{FSI}{TITLE}{PDI}" in reminder.body_text
    assert f"{FSI}15:00{PDI}" in reminder.body_text
    assert "15h00" not in reminder.body_text


def test_a_french_mail_keeps_french_values_as_they_are(director, dossier):
    mail = mail_queue(
        template="deadline_reminder",
        to=director.email,
        language="fr",
        context={"user": director, "dossier": dossier, "call": dossier.call, "days": 3},
    )

    assert f"« {TITLE} »" in mail.body_text
    assert "à 15h00 (heure du Maroc)" in mail.body_text
    assert FSI not in mail.body_text


def test_an_arabic_name_in_a_french_mail_is_isolated(director, dossier):
    director.full_name = "سلمى بناني"
    mail = mail_queue(
        template="deadline_reminder",
        to=director.email,
        language="fr",
        context={"user": director, "dossier": dossier, "call": dossier.call, "days": 3},
    )

    assert f"Bonjour {FSI}سلمى بناني{PDI}," in mail.body_text


def test_typed_text_boxes_take_the_direction_of_what_is_typed(client, director, dossier):
    _arabic(client, director)

    url = reverse("applications:dossier_section", args=[dossier.pk, "strategie"])
    html = client.get(url).content.decode()

    assert 'dir="rtl"' in html
    assert re.search(r'<textarea [^>]*dir="auto"', html)


def test_the_arabic_receipt_gives_french_data_its_direction(director, dossier):
    from django.template.loader import render_to_string

    complete(dossier, director)
    submitted = dossier_submit(actor=director, dossier=dossier, declaration=True)
    receipt = submitted.receipts.get()
    with translation.override("ar"):
        html = render_to_string("pdf/receipt.html", {"receipt": receipt, "dossier": submitted})

    # WeasyPrint does not guess a <bdi>'s direction: it is written out, and holds when the
    # title wraps onto the next line.
    assert f'<bdi dir="ltr">{escape(TITLE)}</bdi>' in html
    assert "15h00" not in html
