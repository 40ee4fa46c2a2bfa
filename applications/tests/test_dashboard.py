import pytest
from django.urls import reverse

from applications.tests.builders import call_with_checklist, draft_for
from applications.tests.factories import CallFactory, DossierFactory
from core.tests.client import page_text


@pytest.mark.django_db
def test_director_dashboard_shows_dossiers_progress_and_open_calls(client, director):
    dossier = draft_for(director)
    other_call = call_with_checklist(title="Appel à projets clusters 2031")
    client.force_login(director)

    page = page_text(client.get(reverse("core:dashboard")))

    assert dossier.reference in page
    assert "0 %" in page
    assert "Appel à projets clusters 2031" in page
    assert reverse("applications:dossier_start", kwargs={"reference": other_call.reference}) in page


@pytest.mark.django_db
def test_director_dashboard_queries_do_not_grow_with_dossiers(
    client, director, django_assert_max_num_queries
):
    dossier = draft_for(director)
    client.force_login(director)
    with django_assert_max_num_queries(40) as baseline:
        client.get(reverse("core:dashboard"))
    for _index in range(8):
        DossierFactory(cluster=dossier.cluster)
        CallFactory()
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(reverse("core:dashboard"))
    assert page_text(response).count("AAP-CLUSTERS") == 9


@pytest.mark.django_db
def test_home_page_lists_open_calls_only(client):
    CallFactory(title="Appel ouvert 2030")
    CallFactory(title="Appel en préparation", status="draft")

    page = page_text(client.get(reverse("core:home")))

    assert "Appel ouvert 2030" in page
    assert "Appel en préparation" not in page


@pytest.mark.django_db
def test_administrator_dashboard_counts_dossiers_per_call(client, administrator):
    call = CallFactory(title="Appel 2030")
    DossierFactory.create_batch(3, call=call)
    client.force_login(administrator)

    page = page_text(client.get(reverse("core:dashboard")))

    assert "Appel 2030" in page
    assert reverse("applications:backoffice_call_detail", kwargs={"pk": call.pk}) in page
