"""The CSV and XLSX exports speak the language of the person exporting: headings, status names,
indicator names and the ministry's data (call titles, criteria), French where a translation is
missing."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from applications.choices import Indicator
from applications.tests.factories import DossierFactory
from contracts.models import ContractStatus
from contracts.tests.factories import decided_call, draft_contract
from core.journal import journal_record
from evaluation.models import Decision
from evaluation.tests.test_ranking_views import _decided_call

pytestmark = pytest.mark.django_db

TITLE_FR = "Appel à projets clusters industriels 2032"
TITLE_AR = "طلب مشاريع العناقيد الصناعية 2032"
GOVERNANCE_AR = "جودة حكامة العنقود"


def _in(language, text):
    """A text of the catalogues (a source string or a lazy label) in `language`."""
    with translation.override(language):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def _target_heading(language):
    with translation.override(language):
        return translation.gettext("%(indicator)s — cible") % {"indicator": Indicator.PATENTS.label}


def _exporter(client, person, language):
    client.force_login(person)
    client.cookies["django_language"] = language
    return client


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_text_of_the_catalogues_differs_between_french_and_arabic():
    """What the tests below compare against is not the French text again."""
    for text in ("Rang", "Critère", "Appel à projets", "État", "Action", "Dossier déposé"):
        assert _in("ar", text) != text
    assert _target_heading("ar") != _target_heading("fr") == "Brevets — cible"


# The ranking


def _ranked(committee_member):
    call, first = _decided_call(committee_member)
    criteria = list(call.grid.criteria.order_by("position", "pk"))
    criteria[0].label_ar = GOVERNANCE_AR
    criteria[0].save()
    criteria[1].label_ar = ""
    criteria[1].save()
    return call, first, criteria


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_ranking_csv_speaks_the_exporters_language(client, committee_member, language):
    call, first, _criteria = _ranked(committee_member)

    response = _exporter(client, committee_member, language).get(
        reverse("evaluation:ranking_csv", args=[call.pk])
    )

    header, *rows = _csv(response)
    assert header[0] == _in(language, "Rang")
    assert header[-1] == _in(language, "Décision")
    line = next(row for row in rows if row[1] == first.reference)
    assert line[-1] == _in(language, Decision.Outcome.SELECTED.label)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_ranking_xlsx_names_the_criteria_in_the_exporters_language(
    client, committee_member, language
):
    call, _first, criteria = _ranked(committee_member)

    response = _exporter(client, committee_member, language).get(
        reverse("evaluation:ranking_xlsx", args=[call.pk])
    )

    ranking_sheet, scores_sheet = load_workbook(io.BytesIO(response.content)).worksheets
    assert ranking_sheet.title == _in(language, "Classement")
    header = [cell.value for cell in scores_sheet[1]]
    assert header[5] == _in(language, "Critère")
    labels = {row[5].value for row in scores_sheet.iter_rows(min_row=2)}
    governance = GOVERNANCE_AR if language == "ar" else criteria[0].label_fr
    assert governance in labels
    assert (GOVERNANCE_AR in labels) == (language == "ar")
    # No Arabic for this one: its French label, in either language.
    assert criteria[1].label_fr in labels


# The programme


@pytest.mark.parametrize(
    "language, title_ar, shown",
    [("fr", TITLE_AR, TITLE_FR), ("ar", TITLE_AR, TITLE_AR), ("ar", "", TITLE_FR)],
)
def test_the_programme_csv_speaks_the_exporters_language(
    client, administrator, language, title_ar, shown
):
    call = decided_call(title_fr=TITLE_FR, title_ar=title_ar, contract_years=3)
    contract = draft_contract(administrator, call=call)

    response = _exporter(client, administrator, language).get(
        reverse("contracts:programme_csv"), {"appel": call.reference}
    )

    header, *rows = _csv(response)
    assert header[0] == _in(language, "Appel à projets")
    assert header[3] == _in(language, "État")
    assert _target_heading(language) in header
    (line,) = rows
    assert line[1] == contract.reference
    assert line[0] == shown
    assert line[3] == _in(language, ContractStatus.DRAFT.label)


def test_the_programme_xlsx_names_its_sheets_and_indicators_in_arabic(client, administrator):
    call = decided_call(title_fr=TITLE_FR, title_ar=TITLE_AR, contract_years=3)
    draft_contract(administrator, call=call)

    response = _exporter(client, administrator, "ar").get(
        reverse("contracts:programme_xlsx"), {"appel": call.reference}
    )

    calls, contracts, indicators, _clusters = load_workbook(io.BytesIO(response.content)).worksheets
    assert [calls.title, contracts.title, indicators.title] == [
        _in("ar", "Appels"),
        _in("ar", "Contrats"),
        _in("ar", "Indicateurs"),
    ]
    assert contracts["A2"].value == TITLE_AR
    header = [cell.value for cell in contracts[1]]
    assert _target_heading("ar") in header
    assert _target_heading("fr") not in header


# The journal


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_journal_csv_speaks_the_exporters_language(client, administrator, director, language):
    dossier = DossierFactory()
    journal_record(
        target=dossier,
        actor=director,
        action="dossier.submit",
        from_state="draft",
        to_state="submitted",
        at=datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Africa/Casablanca")),
    )

    response = _exporter(client, administrator, language).get(
        reverse("audit:journal"), {"format": "csv"}
    )

    header, *rows = _csv(response)
    assert header[2] == _in(language, "Action")
    line = next(row for row in rows if row[4] == dossier.reference)
    assert line[2] == _in(language, "Dossier déposé")
    assert (line[5], line[6]) == (_in(language, "Brouillon"), _in(language, "Déposé"))
