"""The benchmark's bare baseline view exists only under the bench urlconf, and costs no query."""

import pytest
from django.test import override_settings

from accounts.tests.factories import DirectorFactory

pytestmark = pytest.mark.django_db

BASELINE = "/bench/baseline/"


def test_baseline_is_absent_from_the_portal(client):
    assert client.get(BASELINE).status_code == 404


@override_settings(ROOT_URLCONF="clusters_portal.urls_bench")
def test_baseline_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(BASELINE)
    assert response.status_code == 200
    assert response.content == b"baseline\n"


@override_settings(ROOT_URLCONF="clusters_portal.urls_bench")
def test_bench_urlconf_still_serves_the_portal(client):
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get("/appels/").status_code == 200


SIGNED_IN = "/bench/signed-in/"


def test_signed_in_floor_is_absent_from_the_portal(client):
    assert client.get(SIGNED_IN).status_code == 404


@override_settings(ROOT_URLCONF="clusters_portal.urls_bench")
def test_signed_in_floor_sends_a_visitor_to_the_login_page(client):
    response = client.get(SIGNED_IN)
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/connexion/")


@override_settings(ROOT_URLCONF="clusters_portal.urls_bench")
def test_signed_in_floor_reads_only_the_session_and_the_person(client, django_assert_num_queries):
    client.force_login(DirectorFactory())
    # The session row and the user: what every signed-in page pays before its own work.
    with django_assert_num_queries(2):
        response = client.get(SIGNED_IN)
    assert response.status_code == 200
    assert response.content == b"signed in\n"
