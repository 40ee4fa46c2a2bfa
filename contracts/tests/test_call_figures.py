"""A call's public figures (clusters under contract, subsidy committed, KPI targets) are kept
in one row by the contracts' transitions: the row always says what the contracts add up to,
and the call's page reads it instead of adding up every tranche and commitment."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.tests.client import page_text

from ..dashboard.public import live_call_figures
from ..models import CallFigures
from ..services import lifecycle
from .factories import active_contract, decided_call

pytestmark = pytest.mark.django_db

MILLION = Decimal("1000000")


def _stored(call):
    row = CallFigures.objects.get(call=call)
    return row.clusters, row.committed, [tuple(target) for target in row.targets]


def _live(call):
    clusters, committed, lines = live_call_figures(call)
    return (
        clusters,
        committed,
        [(line.indicator, line.label, line.target, line.names) for line in lines],
    )


def _visible(response):
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


def test_the_row_follows_the_contracts_in_and_out_of_force(administrator, director, outsider):
    call = decided_call(contract_years=3)
    first = active_contract(administrator, director, call=call, amounts=[MILLION] * 3)
    assert _stored(call)[:2] == (1, Decimal("3000000.00"))
    assert _stored(call) == _live(call)

    active_contract(administrator, outsider, call=call, amounts=[2 * MILLION] * 3)
    assert _stored(call)[:2] == (2, Decimal("9000000.00"))
    assert _stored(call) == _live(call)

    lifecycle.contract_terminate(
        actor=administrator, contract=first, reason="Dissolution du cluster."
    )
    assert _stored(call)[:2] == (1, Decimal("6000000.00"))
    assert _stored(call) == _live(call)


def test_the_calls_page_shows_the_row_and_adds_up_nothing(client, administrator, director):
    call = decided_call(contract_years=3)
    active_contract(administrator, director, call=call, amounts=[MILLION] * 3)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("applications:call_detail", args=[call.reference]))

    text = _visible(response)
    assert "1 cluster sous contrat" in text
    assert "3 000 000,00 MAD" in text
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "contracts_tranche" not in read
    assert "contracts_kpicommitment" not in read


def test_a_call_without_its_row_is_counted_live(client, administrator, director, settings):
    settings.PORTAL_CACHE = False  # each visit makes the page anew
    call = decided_call(contract_years=3)
    active_contract(administrator, director, call=call, amounts=[MILLION] * 3)
    url = reverse("applications:call_detail", args=[call.reference])
    with_row = _visible(client.get(url))

    CallFigures.objects.filter(call=call).delete()  # contracts from before the row existed

    assert _visible(client.get(url)) == with_row
    assert "3 000 000,00 MAD" in with_row
