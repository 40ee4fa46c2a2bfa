"""The administrators' journal page: filters, pages of 50, exports, and nobody else."""

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.html import strip_tags
from openpyxl import load_workbook

from applications.tests.factories import CallFactory, DossierFactory
from contracts.services import drafting, generation
from contracts.tests.factories import selected_decision
from core.journal import journal_record
from core.tests.client import page_text

pytestmark = pytest.mark.django_db

JOURNAL = reverse("audit:journal")
CASABLANCA = ZoneInfo("Africa/Casablanca")


@pytest.fixture
def history(administrator, director):
    """Two calls: a dossier submitted to the first, a contract generated on the second."""
    first = CallFactory(reference="AAP-ALPHA")
    dossier = DossierFactory(call=first, reference="AAP-ALPHA-0001")
    journal_record(
        target=dossier,
        actor=director,
        action="dossier.submit",
        from_state="draft",
        to_state="submitted",
        at=datetime(2026, 3, 2, 9, tzinfo=CASABLANCA),
    )
    journal_record(
        target=first,
        actor=administrator,
        action="call.update",
        data={"before": {"budget_envelope": "1000.00"}, "after": {"budget_envelope": "2000.00"}},
        at=datetime(2026, 2, 1, 9, tzinfo=CASABLANCA),
    )
    decision = selected_decision(decided_by=administrator)
    contract = generation.contract_generate(actor=administrator, decision=decision)
    return {"call": first, "dossier": dossier, "contract": contract}


def _words(response):
    """The page's text without tags, spaces as a reader sees them."""
    return " ".join(strip_tags(page_text(response)).replace("\xa0", " ").split())


def _actions(response):
    return [str(row.entry.label) for row in response.context["rows"]]


def test_administrators_read_the_whole_journal(client, administrator, history):
    client.force_login(administrator)

    response = client.get(JOURNAL)

    assert response.status_code == 200
    text = page_text(response)
    assert "Dossier déposé" in text  # the action in words
    assert "AAP-ALPHA-0001" in text
    assert history["contract"].reference in text
    assert "Brouillon → Déposé" in _words(response)
    assert reverse("contracts:detail", args=[history["contract"].pk]) in response.content.decode()
    # 2 March 2026 at 09:00 in Casablanca.
    assert "02/03/2026 09:00" in text


@pytest.mark.parametrize("role", ["director", "evaluator", "committee_member"])
def test_nobody_else_reads_it(client, request, role, history):
    client.force_login(request.getfixturevalue(role))
    assert client.get(JOURNAL).status_code == 403
    assert client.get(JOURNAL, {"format": "csv"}).status_code == 403


def test_anonymous_visitors_are_asked_to_log_in(client):
    response = client.get(JOURNAL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    ("filters", "shown", "hidden"),
    [
        ({"kind": "contract"}, ["contract"], ["AAP-ALPHA-0001"]),
        ({"action": "dossier.submit"}, ["AAP-ALPHA-0001"], ["contract"]),
        ({"reference": "alpha-0001"}, ["AAP-ALPHA-0001"], ["contract"]),
        ({"after": "2026-03-01", "before": "2026-03-31"}, ["AAP-ALPHA-0001"], ["contract"]),
    ],
)
def test_the_journal_is_filtered(client, administrator, history, filters, shown, hidden):
    client.force_login(administrator)
    references = {
        "contract": history["contract"].reference,
        "AAP-ALPHA-0001": "AAP-ALPHA-0001",
    }

    text = page_text(client.get(JOURNAL, filters))

    for name in shown:
        assert references[name] in text
    for name in hidden:
        assert references[name] not in text


def test_the_journal_is_filtered_by_call_and_by_author(client, administrator, director, history):
    client.force_login(administrator)

    by_call = client.get(JOURNAL, {"call": history["call"].pk})
    by_author = client.get(JOURNAL, {"actor": director.pk})

    assert sorted(_actions(by_call)) == ["Appel modifié", "Dossier déposé"]
    assert _actions(by_author) == ["Dossier déposé"]


def test_a_change_shows_its_before_and_after(client, administrator, history):
    client.force_login(administrator)

    text = _words(client.get(JOURNAL, {"action": "call.update"}))

    assert "1 000,00 MAD → 2 000,00 MAD" in text


def test_the_csv_export_holds_the_filtered_entries(client, administrator, history):
    client.force_login(administrator)

    response = client.get(JOURNAL, {"call": history["call"].pk, "format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:3] == ["Date", "Auteur", "Action"]
    assert sorted(line[2] for line in lines[1:]) == ["Appel modifié", "Dossier déposé"]
    update = next(line for line in lines[1:] if line[2] == "Appel modifié")
    assert (update[8], update[9]) == (
        '{"budget_envelope": "1000.00"}',
        '{"budget_envelope": "2000.00"}',
    )


def test_the_xlsx_export_holds_the_filtered_entries(client, administrator, director, history):
    client.force_login(administrator)

    response = client.get(JOURNAL, {"actor": director.pk, "format": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(row[1], row[2], row[4]) for row in rows] == [
        (director.full_name, "Dossier déposé", "AAP-ALPHA-0001")
    ]
    assert rows[0][0] == datetime(2026, 3, 2, 9, 0)


def _entries(count, actor):
    call = CallFactory()
    for number in range(count):
        dossier = DossierFactory(call=call)
        journal_record(target=dossier, actor=actor, action="dossier.create", to_state="draft")
        journal_record(
            target=call,
            actor=actor,
            action="call.update",
            data={"before": {"title": "a"}, "after": {"title": f"b{number}"}},
        )


@pytest.mark.parametrize("count", [5, 50])
def test_the_page_costs_the_same_queries_for_5_or_50_entries(
    client, administrator, django_assert_max_num_queries, count
):
    _entries(count, administrator)
    client.force_login(administrator)

    with django_assert_max_num_queries(10):
        response = client.get(JOURNAL)

    assert response.status_code == 200


def test_the_journal_is_paginated_by_50(client, administrator):
    _entries(30, administrator)  # 60 entries
    client.force_login(administrator)

    first = client.get(JOURNAL)
    second = client.get(JOURNAL, {"page": 2})

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 10


def test_the_contract_page_shows_a_schedule_change_in_its_timeline(client, administrator):
    decision = selected_decision(decided_by=administrator)
    contract = generation.contract_generate(actor=administrator, decision=decision)
    drafting.schedule_update(
        actor=administrator,
        contract=contract,
        tranches=[
            {
                "year": y,
                "amount": Decimal("1000.00"),
                "condition": "signature" if y == 1 else "report",
            }
            for y in range(1, contract.years + 1)
        ],
    )
    client.force_login(administrator)

    text = _words(client.get(reverse("contracts:detail", args=[contract.pk])))

    assert "10 000 000,00 MAD → 5 000,00 MAD" in text


def test_the_menu_leads_administrators_only_to_the_journal(client, administrator, director):
    client.force_login(administrator)
    assert JOURNAL in client.get(reverse("core:dashboard")).content.decode()
    client.force_login(director)
    assert JOURNAL not in client.get(reverse("core:dashboard")).content.decode()
