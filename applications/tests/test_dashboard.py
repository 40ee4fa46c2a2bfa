import re
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.models import Dossier
from applications.sections import task_list
from applications.selectors import dossier_for_page
from applications.services import dossiers as services
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
def test_a_drafts_progress_on_the_dashboard_is_its_task_lists(client, director):
    """The dashboard counts a draft's rows in SQL; the dossier's page reads them: both agree."""
    empty = draft_for(director)
    partial = DossierFactory(call=call_with_checklist(), cluster=empty.cluster)
    services.dossier_members_save(
        actor=director, dossier=partial, members=list(partial.cluster.members.all())
    )
    years = partial.call.contract_years
    services.budget_save(
        actor=director,
        dossier=partial,
        years={year: (Decimal("3000000"), Decimal("2000000")) for year in range(1, years + 1)},
    )
    client.force_login(director)

    html = client.get(reverse("core:dashboard")).content.decode()

    shown = re.findall(r'aria-valuenow="(\d+)"', html)
    expected = [
        task_list(dossier_for_page(Dossier.objects.filter(pk=dossier.pk)).get())[1]
        for dossier in (partial, empty)  # the latest call first, as on the page
    ]
    assert expected[0] > 0
    assert sorted(map(int, shown)) == sorted(expected)


@pytest.mark.django_db
def test_director_dashboard_queries_do_not_grow_with_dossiers(
    client, director, django_assert_max_num_queries
):
    dossier = draft_for(director)
    client.force_login(director)
    # Session, user, cluster ids, cluster, dossiers, what the drafts' progress counts (3),
    # members, open calls, contracts (3).
    with django_assert_max_num_queries(13) as baseline:
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


@pytest.mark.django_db
def test_the_directors_panel_shows_a_new_member_a_saved_section_and_a_new_call(client, director):
    from applications.services.clusters import member_save
    from applications.services.dossiers import dossier_section_save

    dossier = draft_for(director)
    client.force_login(director)
    url = reverse("core:dashboard")
    first = page_text(client.get(url))
    members = dossier.cluster.members.count()
    assert f"{members} membres" in first

    member_save(
        actor=director,
        cluster=dossier.cluster,
        name="Atlas Composites",
        member_type="sme",
        city="Kénitra",
        joined_year=2020,
    )
    assert f"{members + 1} membres" in page_text(client.get(url))

    dossier_section_save(
        actor=director,
        dossier=dossier,
        slug="perimetre",
        values={"perimeter": "Kénitra, Rabat-Salé et Tanger."},
    )
    assert page_text(client.get(url)) != first
    CallFactory(title="Appel à projets clusters 2032")
    assert "Appel à projets clusters 2032" in page_text(client.get(url))


@pytest.mark.django_db
def test_each_director_sees_only_their_own_dossiers(client, director, outsider):
    dossier = draft_for(director)
    client.force_login(director)
    assert dossier.reference in page_text(client.get(reverse("core:dashboard")))
    client.force_login(outsider)

    assert dossier.reference not in page_text(client.get(reverse("core:dashboard")))
