"""The receipt, the decision letter and the contract are PDFs in their recipient's language, with
the data the ministry typed (call title, document labels, model contract) in that language, and
French wherever a translation is missing. Real WeasyPrint, read back with `pdftotext`."""

import re
import subprocess
import unicodedata

import pytest
from django.utils import translation

from applications.models import Receipt
from applications.services.receipts import receipt_pdf_render
from applications.services.submission import dossier_submit
from applications.tests.builders import call_with_checklist, complete, draft_for
from contracts.selectors import latest_version
from contracts.services import lifecycle, terms
from contracts.tests.factories import (
    decided_call,
    draft_contract,
    render_versions,
    selected_decision,
)
from evaluation.services.grid import grid_ensure
from evaluation.services.selection import decision_letter_pdf_render

pytestmark = pytest.mark.django_db

TITLE_FR = "Appel à projets clusters industriels 2031"
TITLE_AR = "طلب مشاريع العناقيد الصناعية 2031"
STATUTES_AR = "النظام الأساسي للجمعية"


def normalized(text):
    """Text as letters, whatever form the PDF keeps them in: Arabic presentation forms made
    plain letters again (NFKC), without the bidi marks `pdftotext` puts around each run of
    text, every kind of space one space."""
    letters = unicodedata.normalize("NFKC", text)
    return " ".join("".join(c for c in letters if unicodedata.category(c) != "Cf").split())


# A lam-alef ligature comes out of `pdftotext` as alef then lam ("الإشعار" as "اإلشعار").
LAM_ALEF = re.compile("ل([اأإآ])")


def contains(text, phrase):
    """`phrase` in the PDF's text, an Arabic phrase's lam-alef ligatures as `pdftotext`
    gives them."""
    return LAM_ALEF.sub(r"\1ل", normalized(phrase)) in text


def pdf_text(content):
    result = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return normalized(result.stdout.decode())


def test_contains_tells_an_arabic_phrase_from_another():
    """The comparison the tests below rely on can fail."""
    text = normalized("\u202bﺍﻟﻨﻈﺎﻡ األساسي\u202c للجمعية")
    assert contains(text, STATUTES_AR)
    assert not contains(text, "النظام الأساسي للشركة")
    assert not contains(text, "طلب مشاريع")


# The receipt


def _submitted(director, *, submitted_from, receipt_language):
    call = call_with_checklist(title_fr=TITLE_FR, title_ar=TITLE_AR)
    statutes = call.required_documents.get(label_fr="Statuts")
    statutes.label_ar = STATUTES_AR
    statutes.save()
    director.preferred_language = receipt_language
    director.save()
    dossier = complete(draft_for(director, call), director)
    with translation.override(submitted_from):
        dossier_submit(actor=director, dossier=dossier, declaration=True)
    receipt = Receipt.objects.get(dossier=dossier)
    receipt_pdf_render(receipt_id=receipt.pk)
    receipt.refresh_from_db()
    with receipt.pdf.open("rb") as handle:
        return receipt, pdf_text(handle.read())


def test_an_arabic_receipt_lists_arabic_labels_though_submitted_from_a_french_page(director):
    receipt, text = _submitted(director, submitted_from="fr", receipt_language="ar")

    assert receipt.language == "ar"
    assert contains(text, TITLE_AR)
    assert not contains(text, TITLE_FR)
    assert contains(text, STATUTES_AR)
    assert "Statuts" not in text
    # No Arabic typed for this label: the French one, not an empty cell.
    assert contains(text, "Présentation du cluster")
    # The part of the dossier, from the catalogues, in Arabic too.
    with translation.override("ar"):
        assert receipt.lines[0]["part"] != receipt.files[0]["parts"]["fr"]


def test_a_french_receipt_lists_french_labels_though_submitted_from_an_arabic_page(director):
    _receipt, text = _submitted(director, submitted_from="ar", receipt_language="fr")

    assert contains(text, TITLE_FR)
    assert "Statuts" in text
    assert not contains(text, STATUTES_AR)
    assert not contains(text, TITLE_AR)


def test_the_receipt_keeps_file_names_sizes_and_fingerprints_as_submitted(director):
    receipt, text = _submitted(director, submitted_from="fr", receipt_language="ar")
    documents = receipt.dossier.documents.all()

    assert sorted(
        (entry["requirement"], entry["name"], entry["size"], entry["sha256"])
        for entry in receipt.files
    ) == sorted(
        (document.requirement_id, document.original_name, document.size, document.sha256)
        for document in documents
    )
    for document in documents:
        assert document.sha256 in "".join(text.split())


def test_a_receipt_kept_before_labels_were_kept_in_every_language_still_reads(director):
    receipt, _text = _submitted(director, submitted_from="fr", receipt_language="ar")
    receipt.files = [
        {"part": "Pièces administratives", "label": "Statuts", "name": "s.pdf", "size": 3}
        | {"sha256": "ab" * 32}
    ]
    receipt.save()

    with translation.override("ar"):
        assert receipt.lines[0]["label"] == "Statuts"
        assert receipt.lines[0]["part"] == "Pièces administratives"


# The decision letter


def _decided_call(**titles):
    call = decided_call(**titles)
    grid_ensure(call=call)
    return call


def test_the_decision_letter_carries_the_call_title_in_the_directors_language(director):
    call = _decided_call(title_fr=TITLE_FR, title_ar=TITLE_AR)
    director.preferred_language = "ar"
    director.save()
    decision = decision_letter_pdf_render(
        decision_id=selected_decision(director=director, call=call).pk
    )
    with decision.letter.open("rb") as handle:
        arabic = pdf_text(handle.read())

    director.preferred_language = "fr"
    director.save()
    decision = decision_letter_pdf_render(decision_id=decision.pk)
    with decision.letter.open("rb") as handle:
        french = pdf_text(handle.read())

    assert contains(arabic, TITLE_AR) and not contains(arabic, TITLE_FR)
    assert contains(french, TITLE_FR) and not contains(french, TITLE_AR)


def test_a_letter_whose_call_has_no_arabic_title_gives_the_french_one(director):
    call = _decided_call(title_fr=TITLE_FR, title_ar="")
    director.preferred_language = "ar"
    director.save()
    decision = decision_letter_pdf_render(
        decision_id=selected_decision(director=director, call=call).pk
    )
    with decision.letter.open("rb") as handle:
        text = pdf_text(handle.read())

    assert contains(text, TITLE_FR)
    assert contains(text, "لجنة الانتقاء") or contains(text, "قرار")


# The contract


def _contract_texts(administrator, call):
    contract = draft_contract(administrator, call=call)
    terms.terms_update(
        actor=administrator,
        call=contract.call,
        language="ar",
        fields={"purpose": "يحدد هذا العقد الالتزامات المتبادلة بين الدولة والعنقود."},
    )
    lifecycle.version_request(actor=administrator, contract=contract, language="ar")
    render_versions(contract)
    texts = {}
    for language in ("fr", "ar"):
        version = latest_version(contract, language)
        with version.pdf.open("rb") as handle:
            texts[language] = pdf_text(handle.read())
    return contract, texts


def test_the_contract_reads_its_data_in_the_versions_language(administrator):
    call = decided_call(title_fr=TITLE_FR, title_ar=TITLE_AR)
    contract, texts = _contract_texts(administrator, call)

    assert contains(texts["ar"], TITLE_AR) and not contains(texts["ar"], TITLE_FR)
    assert contains(texts["ar"], "يحدد هذا العقد الالتزامات المتبادلة")
    assert contains(texts["fr"], TITLE_FR) and not contains(texts["fr"], TITLE_AR)
    assert not contains(texts["fr"], "يحدد هذا العقد")
    # The programme's indicators, named from the catalogues in each language.
    assert "Projets collaboratifs de R&D" in texts["fr"]
    assert "Projets collaboratifs de R&D" not in texts["ar"]
    # The parties' names are proper names: the same in both.
    assert contract.legal_name in texts["fr"]
    assert contains(texts["ar"], contract.legal_name)


def test_a_contract_whose_call_has_no_arabic_title_gives_the_french_one(administrator):
    call = decided_call(title_fr=TITLE_FR, title_ar="")
    _contract, texts = _contract_texts(administrator, call)

    assert contains(texts["ar"], TITLE_FR)
