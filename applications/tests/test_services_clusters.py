import pytest

from accounts.tests.factories import DirectorFactory
from applications.choices import MemberType, Region, Sector
from applications.models import Cluster, ClusterMember
from applications.services.clusters import (
    cluster_save,
    co_editor_add,
    co_editor_remove,
    member_delete,
    member_save,
)
from applications.tests.factories import ClusterFactory, ClusterMemberFactory
from core.errors import ApplicationError

PROFILE = {
    "name": "Maroc Numeric Cluster",
    "acronym": "MNC",
    "sector": Sector.ICT,
    "region": Region.CASABLANCA,
    "city": "Casablanca",
    "founded_year": 2010,
    "director_name": "Salma Bennani",
}
MEMBER = {
    "name": "Atlas Logiciels SARL",
    "member_type": MemberType.SME,
    "city": "Rabat",
    "joined_year": 2019,
}


@pytest.mark.django_db
def test_director_creates_their_cluster(director):
    cluster = cluster_save(actor=director, **PROFILE)

    assert cluster.owner == director
    assert Cluster.objects.get().name == "Maroc Numeric Cluster"


@pytest.mark.django_db
def test_director_cannot_create_a_second_cluster(director):
    ClusterFactory(owner=director)

    with pytest.raises(ApplicationError, match="déjà un profil"):
        cluster_save(actor=director, **PROFILE)


@pytest.mark.django_db
def test_co_editor_cannot_create_a_cluster_of_their_own(director, outsider):
    ClusterFactory(owner=director).co_editors.add(outsider)

    with pytest.raises(ApplicationError, match="co-éditeur"):
        cluster_save(actor=outsider, **PROFILE)
    assert not Cluster.objects.filter(owner=outsider).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["evaluator", "committee_member", "administrator"])
def test_only_directors_create_clusters(request, person):
    with pytest.raises(ApplicationError):
        cluster_save(actor=request.getfixturevalue(person), **PROFILE)
    assert not Cluster.objects.exists()


@pytest.mark.django_db
def test_cluster_update_checks_the_model_rules(director):
    cluster = ClusterFactory(owner=director)

    with pytest.raises(ApplicationError) as refused:
        cluster_save(actor=director, cluster=cluster, founded_year=1800)
    assert refused.value.field == "founded_year"
    cluster.refresh_from_db()
    assert cluster.founded_year == 2015


@pytest.mark.django_db
def test_outsider_cannot_update_another_cluster(director, outsider):
    cluster = ClusterFactory(owner=director, name="Cluster A")

    with pytest.raises(ApplicationError):
        cluster_save(actor=outsider, cluster=cluster, name="Piraté")
    cluster.refresh_from_db()
    assert cluster.name == "Cluster A"


@pytest.mark.django_db
def test_co_editor_updates_the_cluster_and_its_members(director, outsider):
    cluster = ClusterFactory(owner=director)
    cluster.co_editors.add(outsider)

    cluster_save(actor=outsider, cluster=cluster, city="Tanger")
    member = member_save(actor=outsider, cluster=cluster, **MEMBER)

    cluster.refresh_from_db()
    assert cluster.city == "Tanger"
    assert member.cluster == cluster


@pytest.mark.django_db
def test_cluster_save_refuses_unknown_fields(director):
    with pytest.raises(TypeError):
        cluster_save(actor=director, owner=director, **PROFILE)


@pytest.mark.django_db
def test_member_save_adds_and_updates(director):
    cluster = ClusterFactory(owner=director)

    member = member_save(actor=director, cluster=cluster, **MEMBER)
    member_save(actor=director, cluster=cluster, member=member, city="Fès")

    member.refresh_from_db()
    assert member.city == "Fès"
    assert cluster.members.count() == 1


@pytest.mark.django_db
def test_member_of_another_cluster_is_refused(director, outsider):
    cluster = ClusterFactory(owner=director)
    foreign = ClusterMemberFactory(cluster=ClusterFactory(owner=outsider))

    with pytest.raises(ApplicationError, match="n'appartient pas"):
        member_save(actor=director, cluster=cluster, member=foreign, name="Volé")


@pytest.mark.django_db
def test_outsider_cannot_add_or_delete_members(director, outsider):
    cluster = ClusterFactory(owner=director)
    member = ClusterMemberFactory(cluster=cluster)

    with pytest.raises(ApplicationError):
        member_save(actor=outsider, cluster=cluster, **MEMBER)
    with pytest.raises(ApplicationError):
        member_delete(actor=outsider, member=member)
    assert list(cluster.members.all()) == [member]


@pytest.mark.django_db
def test_member_year_is_checked(director):
    cluster = ClusterFactory(owner=director)

    with pytest.raises(ApplicationError) as refused:
        member_save(actor=director, cluster=cluster, **{**MEMBER, "joined_year": 1800})
    assert refused.value.field == "joined_year"
    assert not ClusterMember.objects.exists()


@pytest.mark.django_db
def test_member_delete(director):
    member = ClusterMemberFactory(cluster=ClusterFactory(owner=director))

    member_delete(actor=director, member=member)

    assert not ClusterMember.objects.exists()


@pytest.mark.django_db
def test_owner_adds_a_co_editor_by_email_whatever_the_case(director):
    cluster = ClusterFactory(owner=director)
    colleague = DirectorFactory(email="adjoint@cluster-a.ma")

    added = co_editor_add(actor=director, cluster=cluster, email="  Adjoint@Cluster-A.ma ")

    assert added == colleague
    assert list(cluster.co_editors.all()) == [colleague]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("personne@nulle-part.ma", "Aucun compte de directeur"),
        ("evaluateur@mcinet.gov.ma", "Aucun compte de directeur"),
        ("directrice@cluster-a.ma", "peut déjà modifier"),
        ("directeur@cluster-b.ma", "dirige déjà un autre cluster"),
    ],
)
def test_co_editor_add_explains_each_refusal(director, outsider, evaluator, email, message):
    cluster = ClusterFactory(owner=director)
    ClusterFactory(owner=outsider)

    with pytest.raises(ApplicationError, match=message) as refused:
        co_editor_add(actor=director, cluster=cluster, email=email)
    assert refused.value.field == "email"
    assert not cluster.co_editors.exists()


@pytest.mark.django_db
def test_co_editor_add_refuses_an_existing_co_editor_or_an_inactive_account(director):
    cluster = ClusterFactory(owner=director)
    colleague = DirectorFactory(email="adjoint@cluster-a.ma")
    DirectorFactory(email="parti@cluster-a.ma", is_active=False)
    co_editor_add(actor=director, cluster=cluster, email=colleague.email)

    with pytest.raises(ApplicationError, match="peut déjà modifier"):
        co_editor_add(actor=director, cluster=cluster, email=colleague.email)
    with pytest.raises(ApplicationError, match="Aucun compte de directeur"):
        co_editor_add(actor=director, cluster=cluster, email="parti@cluster-a.ma")


@pytest.mark.django_db
def test_co_editor_of_one_cluster_cannot_be_added_to_another(director, outsider):
    colleague = DirectorFactory(email="adjoint@cluster-a.ma")
    ClusterFactory(owner=director).co_editors.add(colleague)
    other = ClusterFactory(owner=outsider)

    with pytest.raises(ApplicationError, match="co-éditrice d'un autre cluster"):
        co_editor_add(actor=outsider, cluster=other, email=colleague.email)
    assert not other.co_editors.exists()


@pytest.mark.django_db
def test_co_editors_cannot_manage_co_editors(director):
    cluster = ClusterFactory(owner=director)
    co_editor = DirectorFactory()
    third = DirectorFactory()
    cluster.co_editors.add(co_editor)

    with pytest.raises(ApplicationError, match="Seul le directeur"):
        co_editor_add(actor=co_editor, cluster=cluster, email=third.email)
    with pytest.raises(ApplicationError, match="Seul le directeur"):
        co_editor_remove(actor=co_editor, cluster=cluster, user=co_editor)
    assert list(cluster.co_editors.all()) == [co_editor]


@pytest.mark.django_db
def test_owner_removes_a_co_editor(director):
    cluster = ClusterFactory(owner=director)
    co_editor = DirectorFactory()
    cluster.co_editors.add(co_editor)

    co_editor_remove(actor=director, cluster=cluster, user=co_editor)

    assert not cluster.co_editors.exists()
    assert not co_editor.has_perm("applications.change_cluster", cluster)
