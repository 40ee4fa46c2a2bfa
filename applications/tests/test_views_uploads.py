"""An upload sent by htmx is answered with the document's card alone; without a script, with
a redirect to the section; refused, with the whole section and its error summary."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from applications.models import DossierDocument
from applications.tests.builders import call_with_checklist, draft_for, pdf_file
from core.tests.client import page_text

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def draft(director):
    return draft_for(director, call_with_checklist())


def _statutes(dossier):
    return dossier.call.required_documents.get(label="Statuts")


def _upload_url(dossier, requirement):
    return reverse("applications:document_upload", args=[dossier.pk, requirement.pk])


def test_an_htmx_upload_is_answered_with_the_documents_card(
    client, director, draft, django_assert_max_num_queries
):
    client.force_login(director)
    statutes = _statutes(draft)

    with django_assert_max_num_queries(14):
        response = client.post(
            _upload_url(draft, statutes), {"file": pdf_file("Statuts 2030.pdf")}, headers=HTMX
        )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<main" not in html
    assert html.count('class="card mb-3 document-card"') == 1
    assert f'id="piece-{statutes.pk}"' in html
    text = page_text(response)
    assert "Le fichier « Statuts » est enregistré." in text
    assert "Statuts 2030.pdf" in text
    assert "Remplacer le fichier" in text  # the card's form now replaces the file
    assert f'hx-target="#piece-{statutes.pk}"' in html
    assert "HX-Retarget" not in response.headers
    document = DossierDocument.objects.get(dossier=draft, requirement=statutes)
    assert document.original_name == "Statuts 2030.pdf"
    # The card said it: no message is left behind for the next page.
    detail = client.get(reverse("applications:dossier_detail", args=[draft.pk]))
    assert "est enregistré" not in page_text(detail)


def test_without_a_script_an_upload_still_redirects_to_its_section(client, director, draft):
    client.force_login(director)

    response = client.post(_upload_url(draft, _statutes(draft)), {"file": pdf_file()})

    section = reverse("applications:dossier_section", args=[draft.pk, "pieces-administratives"])
    assert response.status_code == 302
    assert response["Location"] == section
    assert "Le fichier « Statuts » est enregistré." in page_text(client.get(section))


def test_a_refused_htmx_upload_brings_the_whole_section_with_its_error_summary(
    client, director, draft
):
    client.force_login(director)
    statutes = _statutes(draft)

    response = client.post(
        _upload_url(draft, statutes),
        {"file": pdf_file("statuts.pdf", b"MZ\x90\x00 this is an executable")},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#main"
    assert response.headers["HX-Reselect"] == "#main"
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'id="main"' in html
    assert "Le contenu du fichier ne correspond pas à son extension." in page_text(response)
    assert not DossierDocument.objects.filter(dossier=draft).exists()


def test_the_section_page_sends_each_upload_to_its_own_card(client, director, draft):
    client.force_login(director)
    statutes = _statutes(draft)

    section = client.get(
        reverse("applications:dossier_section", args=[draft.pk, "pieces-administratives"])
    )

    html = section.content.decode()
    assert f'hx-target="#piece-{statutes.pk}" hx-select="#piece-{statutes.pk}"' in html


class _Controls(HTMLParser):
    """The page's file inputs, its documents' buttons and groups, with the texts naming them."""

    def __init__(self):
        super().__init__()
        self.texts = {}  # id -> text of the element with that id (labels, headings)
        self.label_for = {}  # input id -> its label's text
        self.file_inputs = []
        self.buttons = []
        self.groups = []  # aria-labelledby of each role="group"
        self.open = []  # [tag, id, for, text parts] of the elements being read
        self.card_depth = None  # within a document's card: how deep

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "file":
            self.file_inputs.append(attrs["id"])
        if attrs.get("role") == "group":
            self.groups.append(attrs.get("aria-labelledby"))
            self.card_depth = 0
        if tag == "div" and self.card_depth is not None:
            self.card_depth += 1
        if tag in ("label", "button") or (tag in ("span", "h3") and attrs.get("id")):
            self.open.append([tag, attrs.get("id"), attrs.get("for"), []])

    def handle_data(self, data):
        for element in self.open:
            element[3].append(data)

    def handle_endtag(self, tag):
        if tag == "div" and self.card_depth is not None:
            self.card_depth -= 1
            self.card_depth = self.card_depth or None
        if self.open and self.open[-1][0] == tag:
            name, element_id, for_id, parts = self.open.pop()
            text = " ".join("".join(parts).split())
            if element_id:
                self.texts[element_id] = text
            if name == "label" and for_id:
                self.label_for[for_id] = text
            if name == "button" and self.card_depth:
                self.buttons.append(text)


def test_each_documents_control_is_named_after_its_requirement(client, director, draft):
    """A screen reader hears which document each file input and button is for, not eight
    times "Choisir un fichier" and "Envoyer"."""
    statutes = _statutes(draft)
    client.force_login(director)
    client.post(_upload_url(draft, statutes), {"file": pdf_file()})
    client.post(
        _upload_url(draft, draft.call.required_documents.get(label="Lettres")),
        {"file": pdf_file("lettres.pdf")},
    )

    for slug, labels in (
        ("pieces-administratives", ["Statuts"]),
        ("pieces-techniques", ["Présentation du cluster", "Lettres"]),
    ):
        url = reverse("applications:dossier_section", args=[draft.pk, slug])
        controls = _Controls()
        controls.feed(page_text(client.get(url)))

        assert len(controls.file_inputs) == len(labels)
        for input_id, label in zip(controls.file_inputs, labels, strict=True):
            assert label in controls.label_for[input_id]
        assert sorted(controls.texts[group] for group in controls.groups) == sorted(labels)
        for button in controls.buttons:
            assert any(button.endswith(f": {label}") for label in labels), button
    assert "Supprimer : Statuts" in controls_of(client, draft, "pieces-administratives")
    assert "Remplacer : Lettres" in controls_of(client, draft, "pieces-techniques")
    assert "Envoyer : Présentation du cluster" in controls_of(client, draft, "pieces-techniques")


def controls_of(client, dossier, slug):
    controls = _Controls()
    url = reverse("applications:dossier_section", args=[dossier.pk, slug])
    controls.feed(page_text(client.get(url)))
    return controls.buttons
