"""Uploading a dossier's file in Debian's Chromium: the progress bar fills while it is sent,
the answer is the document's card alone (the page is not reloaded), and a refusal still
brings the error summary."""

import os
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications.models import DossierDocument
from applications.tests.builders import call_with_checklist, draft_for
from bench.data.rush import padded_pdf
from tests.test_browser_dossier import _log_in, _shot

pytestmark = pytest.mark.browser

MB = 1024 * 1024
# Every htmx upload progress event, with the state of its form's bar just after portal.js
# updated it (listeners on the document run in the order they were added).
RECORD_PROGRESS = """() => {
  window.uploadProgress = [];
  document.addEventListener("htmx:xhr:progress", (event) => {
    const bar = event.target.querySelector("progress.upload-progress");
    window.uploadProgress.push({shown: !!bar && !bar.classList.contains("d-none"),
                                value: bar ? bar.value : null});
  });
  window.notReloaded = true;
}"""


def _hex(n):
    return os.urandom(n // 2 + 1).hex()[:n].encode()


def test_a_file_comes_back_in_its_card_after_its_progress_bar_filled(
    live_server, page, director, tmp_path
):
    dossier = draft_for(director, call_with_checklist())
    statutes = dossier.call.required_documents.get(label="Statuts")
    _log_in(page, live_server, director)
    page.goto(
        live_server.url
        + reverse("applications:dossier_section", args=[dossier.pk, "pieces-administratives"])
    )
    page.evaluate(RECORD_PROGRESS)
    card = page.locator(f"#piece-{statutes.pk}")

    executable = tmp_path / "statuts.pdf"
    executable.write_bytes(b"MZ\x90\x00 this is an executable")
    card.locator("input[type=file]").set_input_files(executable)
    card.get_by_role("button", name="Envoyer").click()
    summary = page.locator("#error-summary")
    summary.get_by_text("Le contenu du fichier ne correspond pas à son extension.").wait_for()
    _shot(page, "upload-refused-fr")

    pdf = tmp_path / "Statuts signés.pdf"
    pdf.write_bytes(padded_pdf(3 * MB, _hex))
    card.locator("input[type=file]").set_input_files(pdf)
    card.get_by_role("button", name="Envoyer").click()
    card.get_by_text("Le fichier « Statuts » est enregistré.").wait_for()
    expect(card.locator("input[type=file]")).not_to_have_class(re.compile("is-invalid"))
    page.wait_for_timeout(300)  # the border's transition, for the screenshot
    _shot(page, "upload-saved-in-its-card-fr")

    assert page.evaluate("window.notReloaded") is True
    progress = page.evaluate("window.uploadProgress")
    assert any(event["shown"] and event["value"] > 0 for event in progress), progress
    assert card.get_by_role("link", name="Statuts signés.pdf").is_visible()
    assert card.get_by_role("button", name=re.compile(r"^Remplacer :")).is_visible()
    assert not card.locator("progress.upload-progress").is_visible()  # a fresh form
    assert summary.count() == 0  # the refusal it told of is resolved
    assert DossierDocument.objects.get(dossier=dossier).size == 3 * MB
    assert re.search(r"3[,.]0\sMo", card.inner_text())
