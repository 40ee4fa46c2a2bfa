"""Every write through Django renews its tables' generations; reads are gathered on demand."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from applications.models import Cluster, ClusterMember, Dossier
from applications.tests.builders import draft_for
from core import tables

pytestmark = pytest.mark.django_db

CLUSTERS = Cluster._meta.db_table
MEMBERS = ClusterMember._meta.db_table
DOSSIERS = Dossier._meta.db_table


def _generation(table):
    return tables.generations(cache.get_many(tables.all_keys()))[table]


def test_a_save_renews_its_table_and_no_other(director):
    cluster = draft_for(director).cluster
    before = {table: _generation(table) for table in (CLUSTERS, DOSSIERS)}

    cluster.name = "Cluster renommé"
    cluster.save()

    assert _generation(CLUSTERS) != before[CLUSTERS]
    assert _generation(DOSSIERS) == before[DOSSIERS]


@pytest.mark.parametrize(
    ("table", "write"),
    [
        (CLUSTERS, lambda cluster: Cluster.objects.filter(pk=cluster.pk).update(name="Autre")),
        (
            MEMBERS,
            lambda cluster: ClusterMember.objects.bulk_create(
                [
                    ClusterMember(
                        cluster=cluster, name="PME", member_type="sme", city="Fès", joined_year=2020
                    )
                ]
            ),
        ),
        (MEMBERS, lambda cluster: ClusterMember.objects.filter(cluster=cluster).delete()),
    ],
    ids=["update", "bulk_create", "delete"],
)
def test_writes_that_send_no_signal_renew_their_table_too(director, table, write):
    cluster = draft_for(director, members=2).cluster
    before = _generation(table)

    write(cluster)

    assert _generation(table) != before


def test_a_raw_statement_renews_its_table(director):
    draft_for(director)
    before = _generation(CLUSTERS)

    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{CLUSTERS}" SET name = %s', ["Écrit à la main"])  # noqa: S608  # nosec B608

    assert _generation(CLUSTERS) != before


def test_the_generation_is_renewed_again_once_the_write_commits(
    director, django_capture_on_commit_callbacks
):
    cluster = draft_for(director).cluster
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Cluster.objects.filter(pk=cluster.pk).update(name="Pendant la transaction")
        during = _generation(CLUSTERS)

    # A page made from the uncommitted state, under `during`, is not used after the commit.
    assert _generation(CLUSTERS) != during


def test_reading_gathers_every_table_a_query_joins_or_nests(director):
    draft_for(director)

    with tables.reading() as read:
        list(Dossier.objects.filter(cluster__in=Cluster.objects.filter(owner=director)))
        list(ClusterMember.objects.select_related("cluster").values("cluster__name"))
    list(Dossier.objects.select_related("call"))  # after the block: not gathered

    assert {DOSSIERS, CLUSTERS, MEMBERS} <= read
    assert "applications_call" not in read


def test_a_lost_generation_comes_back_as_a_new_one(director):
    draft_for(director)
    known = _generation(CLUSTERS)

    cache.delete(tables.key(CLUSTERS))

    assert _generation(CLUSTERS) not in (None, known)
