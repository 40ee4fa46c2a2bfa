import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import DirectorFactory
from applications.choices import MemberType, Region, Sector
from applications.models import CallStatus, Cluster, ClusterMember
from applications.tests.factories import CallFactory, ClusterFactory, ClusterMemberFactory
from core.tests.client import page_text

PROFILE = reverse("applications:cluster_profile")
EDIT = reverse("applications:cluster_edit")
MEMBERS = reverse("applications:member_list")
MEMBER_ADD = reverse("applications:member_add")
CO_EDITORS = reverse("applications:co_editors")
STAFF = ["evaluator", "committee_member", "administrator"]


def _member_url(name, member):
    return reverse(f"applications:{name}", args=[member.pk])


def _cluster_data(**overrides):
    data = {
        "name": "Maroc Numeric Cluster",
        "acronym": "MNC",
        "legal_form": "association",
        "sector": Sector.ICT,
        "region": Region.CASABLANCA,
        "city": "Casablanca",
        "founded_year": "2010",
        "first_supported_year": "2011",
        "niches": "Services mobiles\nMonétique et sécurité",
        "president_name": "Karim Berrada",
        "director_name": "Salma Bennani",
        "board": "Atlas Logiciels\nUniversité Hassan II",
    }
    return {**data, **overrides}


def _member_data(**overrides):
    data = {"name": "Atlas Logiciels SARL", "member_type": MemberType.SME, "city": "Rabat"}
    return {**data, "joined_year": "2019", **overrides}


@pytest.fixture
def cluster(director):
    return ClusterFactory(owner=director, name="Cluster Solaire", acronym="CS", city="Ouarzazate")


@pytest.fixture
def co_editor(cluster):
    person = DirectorFactory(email="adjoint@cluster-a.ma", full_name="Rachid Amrani")
    cluster.co_editors.add(person)
    return person


def _all_urls(member):
    return [
        PROFILE,
        EDIT,
        MEMBERS,
        MEMBER_ADD,
        _member_url("member_edit", member),
        _member_url("member_delete", member),
        CO_EDITORS,
    ]


# Who may come in ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_asked_to_log_in(client, cluster):
    member = ClusterMemberFactory(cluster=cluster)

    for url in _all_urls(member):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url


@pytest.mark.django_db
@pytest.mark.parametrize("person", STAFF)
def test_ministry_staff_are_refused(request, client, cluster, person):
    member = ClusterMemberFactory(cluster=cluster, name="Membre confidentiel")
    client.force_login(request.getfixturevalue(person))

    for url in _all_urls(member):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Membre confidentiel" not in page_text(response)
    assert client.post(MEMBER_ADD, _member_data()).status_code == 403
    assert client.post(_member_url("member_delete", member)).status_code == 403
    assert ClusterMember.objects.get() == member


@pytest.mark.django_db
def test_outsider_gets_404_on_another_clusters_members(client, cluster, outsider):
    member = ClusterMemberFactory(cluster=cluster, name="Membre de A")
    ClusterFactory(owner=outsider, name="Cluster B")
    client.force_login(outsider)

    assert client.get(_member_url("member_edit", member)).status_code == 404
    assert client.post(_member_url("member_edit", member), _member_data()).status_code == 404
    assert client.get(_member_url("member_delete", member)).status_code == 404
    assert client.post(_member_url("member_delete", member)).status_code == 404
    member.refresh_from_db()
    assert member.name == "Membre de A"


@pytest.mark.django_db
def test_outsider_without_a_cluster_gets_404_too(client, cluster, outsider):
    member = ClusterMemberFactory(cluster=cluster)
    client.force_login(outsider)

    assert client.get(_member_url("member_edit", member)).status_code == 404
    assert client.post(_member_url("member_delete", member)).status_code == 404
    assert ClusterMember.objects.filter(pk=member.pk).exists()


@pytest.mark.django_db
def test_outsider_sees_none_of_another_clusters_data(client, cluster, outsider):
    ClusterMemberFactory(cluster=cluster, name="Membre de A")
    ClusterFactory(owner=outsider, name="Cluster B")
    client.force_login(outsider)

    for url in (PROFILE, MEMBERS, CO_EDITORS):
        text = page_text(client.get(url))
        assert "Cluster Solaire" not in text
        assert "Membre de A" not in text
        assert "Salma Bennani" not in text
    assert "Cluster B" in page_text(client.get(PROFILE))


# Creating and editing the profile -------------------------------------------------------------


@pytest.mark.django_db
def test_director_without_a_cluster_is_offered_the_creation_form(client, director):
    client.force_login(director)

    response = client.get(PROFILE)

    assert response.status_code == 200
    text = page_text(response)
    assert "Décrire votre cluster" in text
    assert "Drâa-Tafilalet" in text
    assert 'type="number"' in text


@pytest.mark.django_db
def test_pages_of_a_cluster_not_yet_created_lead_to_the_creation_form(client, director):
    client.force_login(director)

    for url in (EDIT, MEMBERS, MEMBER_ADD, CO_EDITORS):
        response = client.get(url)
        assert response.url == PROFILE, url


@pytest.mark.django_db
def test_director_creates_the_cluster_and_sees_its_profile(client, director):
    client.force_login(director)

    response = client.post(PROFILE, _cluster_data())

    assert response.url == PROFILE
    cluster = Cluster.objects.get()
    assert cluster.owner == director
    assert cluster.first_supported_year == 2011
    text = page_text(client.get(PROFILE))
    assert "Le profil du cluster a été enregistré." in text
    assert "<title>Maroc Numeric Cluster (MNC) — " in text
    assert "Casablanca-Settat" in text
    assert "Technologies de l'information et offshoring" in text
    assert "Monétique et sécurité" in text
    assert "Karim Berrada" in text
    assert "2010" in text


@pytest.mark.django_db
def test_a_founded_year_of_1800_is_refused_and_everything_typed_is_kept(client, director):
    client.force_login(director)

    response = client.post(PROFILE, _cluster_data(founded_year="1800", city="Tétouan"))

    assert response.status_code == 200
    text = page_text(response)
    year = timezone.localdate().year
    assert f"L'année de création doit être comprise entre 1950 et {year}." in text
    assert "Le formulaire contient des erreurs" in text
    assert 'href="#id_founded_year"' in text
    assert 'value="Maroc Numeric Cluster"' in text
    assert 'value="Tétouan"' in text
    assert 'value="1800"' in text
    assert "Monétique et sécurité" in text
    assert not Cluster.objects.exists()


@pytest.mark.django_db
def test_future_years_and_support_before_creation_are_refused(client, director):
    client.force_login(director)
    next_year = str(timezone.localdate().year + 1)

    response = client.post(PROFILE, _cluster_data(founded_year=next_year))
    assert "L'année de création doit être comprise" in page_text(response)

    response = client.post(PROFILE, _cluster_data(founded_year="2015", first_supported_year="2011"))
    assert "avant sa création (2015)" in page_text(response)
    assert not Cluster.objects.exists()


@pytest.mark.django_db
def test_first_support_year_is_optional(client, director):
    client.force_login(director)

    client.post(PROFILE, _cluster_data(first_supported_year=""))

    assert Cluster.objects.get().first_supported_year is None
    assert "Jamais soutenu" in page_text(client.get(PROFILE))


@pytest.mark.django_db
def test_director_edits_the_profile(client, director, cluster):
    client.force_login(director)

    form = page_text(client.get(EDIT))
    assert 'value="Cluster Solaire"' in form
    response = client.post(EDIT, _cluster_data(name="Cluster Solaire Maroc"))

    assert response.url == PROFILE
    cluster.refresh_from_db()
    assert cluster.name == "Cluster Solaire Maroc"
    assert cluster.owner == director
    assert "Le profil du cluster a été enregistré." in page_text(client.get(PROFILE))


@pytest.mark.django_db
def test_invalid_edit_changes_nothing(client, director, cluster):
    client.force_login(director)

    response = client.post(EDIT, _cluster_data(name="Nouveau nom", founded_year="1800"))

    assert response.status_code == 200
    assert 'value="Nouveau nom"' in page_text(response)
    cluster.refresh_from_db()
    assert cluster.name == "Cluster Solaire"


# Critical mass and eligibility ----------------------------------------------------------------


def _members(cluster, **counts):
    for kind, count in counts.items():
        ClusterMemberFactory.create_batch(count, cluster=cluster, member_type=kind)


@pytest.mark.django_db
def test_profile_shows_members_by_type_and_the_share_of_companies(client, director, cluster):
    _members(cluster, large_company=2, sme=4, startup=1, research=3, training=2)
    client.force_login(director)

    response = client.get(PROFILE)

    assert response.context["figures"]["total"] == 12
    assert response.context["figures"]["companies"] == 7
    text = page_text(response)
    assert "58,3 %" in text
    assert "Membres par type" in text
    assert '<th scope="row" class="fw-normal">Unité de recherche</th><td class="num">3</td>' in text


@pytest.mark.django_db
def test_profile_warns_about_the_minimums_of_an_open_call(client, director, cluster):
    CallFactory(title="Appel à projets clusters 2026", min_members=15)
    _members(cluster, large_company=2, sme=4, startup=1, research=3, training=2)
    client.force_login(director)

    text = page_text(client.get(PROFILE))

    assert "Minimums de l'appel « Appel à projets clusters 2026 » non atteints" in text
    assert (
        "Il manque 3 membres pour atteindre le minimum de 15 "
        "de l'appel « Appel à projets clusters 2026 »." in text
    )
    assert (
        "Les entreprises représentent 58,3 % des membres ; "
        "l'appel « Appel à projets clusters 2026 » en demande au moins 60 %." in text
    )


@pytest.mark.django_db
def test_enough_members_but_too_few_companies(client, director, cluster):
    CallFactory(title="AAP 2026")
    _members(cluster, sme=13, research=12)
    client.force_login(director)

    text = page_text(client.get(PROFILE))

    assert "Il manque" not in text
    assert "Les entreprises représentent 52 % des membres ; " in text
    assert "en demande au moins 60 %" in text


@pytest.mark.django_db
def test_one_missing_member_is_said_in_the_singular(client, director, cluster):
    CallFactory(title="AAP 2026")
    _members(cluster, sme=14)
    client.force_login(director)

    assert "Il manque 1 membre pour atteindre le minimum de 15" in page_text(client.get(PROFILE))


@pytest.mark.django_db
def test_minimums_met_exactly_give_no_warning(client, director, cluster):
    CallFactory(title="AAP 2026")
    _members(cluster, sme=9, research=6)
    client.force_login(director)

    text = page_text(client.get(PROFILE))

    assert "non atteints" not in text
    assert "Le cluster atteint les minimums de l'appel « AAP 2026 »" in text


@pytest.mark.django_db
def test_calls_that_are_not_open_are_not_checked(client, director, cluster):
    now = timezone.now()
    CallFactory(title="Brouillon", status=CallStatus.DRAFT)
    CallFactory(title="Clos", opens_at=now - timezone.timedelta(days=60), closes_at=now)
    client.force_login(director)

    text = page_text(client.get(PROFILE))

    assert "Il manque" not in text
    assert "Aucun appel à projets n'est ouvert" in text


# Members --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_empty_member_list_says_what_to_do(client, director, cluster):
    client.force_login(director)

    text = page_text(client.get(MEMBERS))

    assert "Le cluster n'a encore aucun membre." in text
    assert "Ajouter le premier membre" in text
    assert "<table" not in text


@pytest.mark.django_db
def test_director_adds_a_member(client, director, cluster):
    client.force_login(director)

    response = client.post(MEMBER_ADD, _member_data())

    assert response.url == MEMBERS
    member = cluster.members.get()
    assert (member.name, member.member_type, member.joined_year) == (
        "Atlas Logiciels SARL",
        MemberType.SME,
        2019,
    )
    text = page_text(client.get(MEMBERS))
    assert "Le membre « Atlas Logiciels SARL » a été enregistré." in text
    assert "<caption>1 membre" in text
    assert '<th scope="col"' in text


@pytest.mark.django_db
def test_save_and_add_another_comes_back_to_an_empty_form(client, director, cluster):
    client.force_login(director)

    response = client.post(MEMBER_ADD, {**_member_data(), "save_and_add": "1"})

    assert response.url == MEMBER_ADD
    assert cluster.members.count() == 1


@pytest.mark.django_db
def test_bad_member_input_keeps_what_was_typed(client, director, cluster):
    client.force_login(director)

    response = client.post(MEMBER_ADD, _member_data(joined_year="1800", city="Kénitra"))

    assert response.status_code == 200
    text = page_text(response)
    assert "L'année d'adhésion doit être comprise entre 1950" in text
    assert 'value="Atlas Logiciels SARL"' in text
    assert 'value="Kénitra"' in text
    assert not cluster.members.exists()


@pytest.mark.django_db
def test_director_edits_a_member(client, director, cluster):
    member = ClusterMemberFactory(cluster=cluster, name="Ancien nom")
    client.force_login(director)

    assert "Modifier «\u00a0Ancien nom\u00a0»" in page_text(
        client.get(_member_url("member_edit", member))
    )
    response = client.post(_member_url("member_edit", member), _member_data(name="Nouveau nom"))

    assert response.url == MEMBERS
    member.refresh_from_db()
    assert member.name == "Nouveau nom"
    assert member.cluster == cluster


@pytest.mark.django_db
def test_deleting_a_member_asks_for_confirmation(client, director, cluster):
    member = ClusterMemberFactory(cluster=cluster, name="Atlas Logiciels SARL")
    client.force_login(director)

    confirmation = page_text(client.get(_member_url("member_delete", member)))
    assert "Retirer «\u00a0Atlas Logiciels SARL\u00a0» des membres du cluster ?" in confirmation
    assert ClusterMember.objects.exists()

    response = client.post(_member_url("member_delete", member))

    assert response.url == MEMBERS
    assert not ClusterMember.objects.exists()
    assert "« Atlas Logiciels SARL » a été retiré des membres du cluster." in page_text(
        client.get(MEMBERS)
    )


@pytest.mark.django_db
def test_member_list_sorts_by_name_or_type_and_filters_by_type(client, director, cluster):
    ClusterMemberFactory(cluster=cluster, name="Zénith Formation", member_type="training")
    ClusterMemberFactory(cluster=cluster, name="Atlas PME", member_type="sme")
    ClusterMemberFactory(cluster=cluster, name="Maroc Auto", member_type="large_company")
    client.force_login(director)

    def names(response):
        return [member.name for member in response.context["members"]]

    assert names(client.get(MEMBERS)) == ["Atlas PME", "Maroc Auto", "Zénith Formation"]
    by_type = client.get(MEMBERS, {"tri": "type"})
    assert names(by_type) == ["Maroc Auto", "Atlas PME", "Zénith Formation"]
    assert 'aria-sort="ascending"' in page_text(by_type)

    filtered = client.get(MEMBERS, {"tri": "type", "type": "sme"})
    assert names(filtered) == ["Atlas PME"]
    text = page_text(filtered)
    assert 'href="?type=sme&amp;tri=nom"' in filtered.content.decode()
    assert '<input type="hidden" name="tri" value="type">' in text
    assert '<option value="sme" selected>' in text

    assert names(client.get(MEMBERS, {"tri": "n'importe quoi", "type": "inconnu"})) == [
        "Atlas PME",
        "Maroc Auto",
        "Zénith Formation",
    ]


@pytest.mark.django_db
def test_an_empty_filter_offers_to_see_every_member(client, director, cluster):
    ClusterMemberFactory(cluster=cluster, member_type="sme")
    client.force_login(director)

    text = page_text(client.get(MEMBERS, {"type": "research"}))

    assert "Aucun membre de ce type." in text
    assert "Voir tous les membres" in text


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 60])
def test_member_list_queries_do_not_grow_with_members(
    client, director, cluster, django_assert_max_num_queries, count
):
    ClusterMemberFactory.create_batch(count, cluster=cluster)
    client.force_login(director)

    with django_assert_max_num_queries(6):
        response = client.get(MEMBERS, {"tri": "type"})

    assert len(response.context["members"]) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 60])
def test_profile_queries_do_not_grow_with_members(
    client, director, cluster, django_assert_max_num_queries, count
):
    CallFactory()
    ClusterMemberFactory.create_batch(count, cluster=cluster)
    client.force_login(director)

    with django_assert_max_num_queries(7):
        client.get(PROFILE)


# Co-editors -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_owner_adds_a_co_editor_by_email(client, director, cluster):
    colleague = DirectorFactory(email="adjoint@cluster-a.ma", full_name="Rachid Amrani")
    client.force_login(director)

    response = client.post(CO_EDITORS, {"email": "adjoint@cluster-a.ma"})

    assert response.url == CO_EDITORS
    assert list(cluster.co_editors.all()) == [colleague]
    text = page_text(client.get(CO_EDITORS))
    assert "Rachid Amrani peut maintenant modifier le profil et les membres du cluster." in text
    assert "adjoint@cluster-a.ma" in text


@pytest.mark.django_db
def test_unknown_address_is_explained_and_kept(client, director, cluster):
    client.force_login(director)

    response = client.post(CO_EDITORS, {"email": "inconnu@exemple.ma"})

    assert response.status_code == 200
    text = page_text(response)
    assert "Aucun compte de directeur de cluster n'existe pour cette adresse" in text
    assert 'value="inconnu@exemple.ma"' in text
    assert not cluster.co_editors.exists()


@pytest.mark.django_db
def test_owner_removes_a_co_editor(client, director, cluster, co_editor):
    client.force_login(director)
    remove = reverse("applications:co_editor_remove", args=[co_editor.pk])

    assert client.get(remove).status_code == 405
    response = client.post(remove)

    assert response.url == CO_EDITORS
    assert not cluster.co_editors.exists()
    assert "Rachid Amrani ne peut plus modifier le cluster." in page_text(client.get(CO_EDITORS))


@pytest.mark.django_db
def test_removing_someone_who_is_not_a_co_editor_is_not_found(client, director, cluster, outsider):
    client.force_login(director)

    response = client.post(reverse("applications:co_editor_remove", args=[outsider.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_co_editor_sees_and_edits_the_profile_and_members(client, cluster, co_editor):
    member = ClusterMemberFactory(cluster=cluster, name="Atlas PME")
    client.force_login(co_editor)

    profile = page_text(client.get(PROFILE))
    assert "Cluster Solaire" in profile
    assert "Voir les co-éditeurs" in profile
    assert "Gérer les co-éditeurs" not in profile
    assert client.post(EDIT, _cluster_data(name="Cluster Solaire Maroc")).url == PROFILE
    assert client.post(MEMBER_ADD, _member_data()).url == MEMBERS
    assert (
        client.post(_member_url("member_edit", member), _member_data(name="Atlas")).url == MEMBERS
    )
    assert client.post(_member_url("member_delete", member)).url == MEMBERS

    cluster.refresh_from_db()
    assert cluster.name == "Cluster Solaire Maroc"
    assert list(cluster.members.values_list("name", flat=True)) == ["Atlas Logiciels SARL"]


@pytest.mark.django_db
def test_co_editor_cannot_manage_co_editors(client, director, cluster, co_editor):
    other = DirectorFactory(email="autre@cluster-a.ma")
    cluster.co_editors.add(other)
    DirectorFactory(email="nouveau@cluster-a.ma")
    client.force_login(co_editor)

    page = client.get(CO_EDITORS)
    assert page.status_code == 200
    text = page_text(page)
    assert "Rachid Amrani" in text
    assert "Ajouter un co-éditeur" not in text
    assert "Retirer" not in text
    assert client.post(CO_EDITORS, {"email": "nouveau@cluster-a.ma"}).status_code == 403
    remove = reverse("applications:co_editor_remove", args=[other.pk])
    assert client.post(remove).status_code == 403
    assert set(cluster.co_editors.all()) == {co_editor, other}


@pytest.mark.django_db
@pytest.mark.parametrize("person", STAFF)
def test_staff_cannot_manage_co_editors(request, client, cluster, co_editor, person):
    client.force_login(request.getfixturevalue(person))

    assert client.post(CO_EDITORS, {"email": "x@exemple.ma"}).status_code == 403
    remove = reverse("applications:co_editor_remove", args=[co_editor.pk])
    assert client.post(remove).status_code == 403
    assert list(cluster.co_editors.all()) == [co_editor]


@pytest.mark.django_db
def test_removed_co_editor_loses_access(client, director, cluster, co_editor):
    member = ClusterMemberFactory(cluster=cluster)
    cluster.co_editors.remove(co_editor)
    client.force_login(co_editor)

    assert "Cluster Solaire" not in page_text(client.get(PROFILE))
    assert client.get(_member_url("member_edit", member)).status_code == 404
