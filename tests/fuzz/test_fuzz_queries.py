"""Fuzzing the query strings of the lists, filters and exports: a shared or hand-edited address
never answers 500."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import example, given

from applications.tests.factories import ClusterFactory

from .conftest import logged_in
from .strategies import hostile_number, hostile_text

pytestmark = pytest.mark.django_db

FINE = {200, 302, 400, 404}


def _get(client, url, params):
    response = client.get(url, params)
    assert response.status_code in FINE, (url, params, response.status_code)


@given(value=hostile_text(max_size=300), page=hostile_number())
@example(value="aap\x00clusters", page="1")
@example(value="x", page="9" * 40)
def test_administrators_lists_and_dashboard(administrator, value, page):
    client = logged_in(administrator)
    _get(client, reverse("contracts:list"), {"call": value, "status": value, "page": page})
    _get(client, reverse("accounts:user_list"), {"page": page})
    _get(client, reverse("applications:backoffice_call_list"), {"page": page})
    for name in ("programme", "programme_csv", "programme_xlsx"):
        _get(client, reverse(f"contracts:{name}"), {"appel": value})
    _get(Client(), reverse("contracts:public_summary"), {"appel": value})


@pytest.fixture
def cluster(director):
    return ClusterFactory(owner=director)


@given(value=hostile_text(max_size=300))
@example(value="\x00")
def test_member_list_filters(director, cluster, value):
    client = logged_in(director)
    _get(client, reverse("applications:member_list"), {"type": value, "tri": value})
