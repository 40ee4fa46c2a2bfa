"""Arabic pages with French data, as Debian's Chromium lays them out: a file's line reads from
the right (name, then its size with its unit, then the time), French text typed by a director
keeps its full stop at its end, and the deadline's hour is written "15:00", not "15h00"."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.choices import ScanStatus
from applications.models import DossierDocument
from applications.tests.builders import PDF, call_with_checklist, complete, draft_for
from tests.test_browser_dossier import _log_in, _shot

pytestmark = pytest.mark.browser

TITLE = "Appel à projets clusters 2031 (Industrie 4.0)."
TYPED = "Notre cluster fédère 40 PME, dont 12 start-ups."


def _closing_at_three_pm():
    day = timezone.localdate() + timedelta(days=20)
    return datetime(day.year, day.month, day.day, 15, 0, tzinfo=ZoneInfo("Africa/Casablanca"))


@pytest.fixture
def dossier(director):
    call = call_with_checklist(title=TITLE, closes_at=_closing_at_three_pm())
    return draft_for(director, call)


def _in(page, live_server, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


def _box(locator):
    box = locator.bounding_box()
    assert box is not None
    return box


def test_the_call_page_in_arabic_writes_its_hour_the_arabic_way(live_server, page, dossier):
    call_url = live_server.url + reverse("applications:call_detail", args=[dossier.call.reference])
    _in(page, live_server, "ar")
    page.goto(call_url)

    deadline = page.locator(".deadline-date")
    assert "15:00" in deadline.inner_text()
    assert "15h00" not in page.locator("main").inner_text()
    title = page.get_by_role("heading", level=1)
    # The French title keeps its own direction, its final full stop at its end.
    assert title.locator("bdi").evaluate("e => getComputedStyle(e).direction") == "ltr"
    _shot(page, "rtl-call-ar")

    _in(page, live_server, "fr")
    page.goto(call_url)
    assert "15h00" in page.locator(".deadline-date").inner_text()
    _shot(page, "rtl-call-fr")


def test_a_file_line_reads_from_the_right_in_arabic(live_server, page, director, dossier, tmp_path):
    section = live_server.url + reverse(
        "applications:dossier_section", args=[dossier.pk, "pieces-administratives"]
    )
    statutes = dossier.call.required_documents.get(label="Statuts")
    _log_in(page, live_server, director)
    _in(page, live_server, "ar")
    page.goto(section)
    card = page.locator(f"#piece-{statutes.pk}")
    path = tmp_path / "ok_statuts.pdf"
    path.write_bytes(PDF)
    card.locator("input[type=file]").set_input_files(path)
    card.locator("button[type=submit]").first.click()
    link = card.get_by_role("link", name="ok_statuts.pdf")
    link.wait_for()

    line = link.locator("xpath=ancestor::p[1]")
    size = line.locator(".text-body-secondary bdi").nth(0)
    moment = line.locator(".text-body-secondary bdi").nth(1)
    assert size.inner_text().replace("\xa0", " ") == f"{len(PDF)} بايت"
    # Right to left: the file's name, then its size, then the time it was sent.
    assert _box(link)["x"] > _box(size)["x"] > _box(moment)["x"]
    assert "،" in line.inner_text()
    _shot(page, "rtl-documents-ar")

    _in(page, live_server, "fr")
    page.goto(section)
    _shot(page, "rtl-documents-fr")


def test_the_antivirus_message_reads_right_in_arabic(
    live_server, page, director, dossier, tmp_path
):
    complete(dossier, director)
    document = DossierDocument.objects.get(dossier=dossier, requirement__label="Statuts")
    DossierDocument.objects.filter(pk=document.pk).update(
        scan_status=ScanStatus.INFECTED,
        scan_signature="Eicar-Test-Signature",
        original_name="ok_statuts.pdf",
    )
    _log_in(page, live_server, director)
    _in(page, live_server, "ar")
    page.goto(
        live_server.url
        + reverse("applications:dossier_section", args=[dossier.pk, "pieces-administratives"])
    )

    alert = page.locator(".document-card .alert-danger").first
    name, signature = alert.locator("bdi").nth(0), alert.locator("bdi").nth(1)
    assert name.inner_text() == "ok_statuts.pdf"
    assert signature.inner_text() == "Eicar-Test-Signature"
    # In a right-to-left sentence the file's name comes first, so it stands to the right.
    assert _box(name)["x"] > _box(signature)["x"]
    _shot(page, "rtl-antivirus-ar")


def test_french_text_typed_in_a_dossier_keeps_its_full_stop_in_arabic(
    live_server, page, director, dossier
):
    complete(dossier, director)
    dossier.projects.update(title=TYPED)
    _log_in(page, live_server, director)
    _in(page, live_server, "ar")
    page.goto(live_server.url + reverse("applications:dossier_review", args=[dossier.pk]))

    typed = page.locator("dd.summary-text").first
    assert typed.evaluate("e => getComputedStyle(e).direction") == "ltr"
    project = page.get_by_text(TYPED)
    assert project.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert page.locator("html").get_attribute("dir") == "rtl"
    _shot(page, "rtl-dossier-ar")
