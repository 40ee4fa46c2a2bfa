"""The committee's decisions reach the cluster only with the published results."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Call, CallStatus, DossierStatus
from applications.services.submission import dossier_transition
from applications.tests.factories import CallFactory, ClusterFactory, DossierFactory
from core.tests.client import page_text


@pytest.fixture
def decided(director, administrator):
    call = CallFactory(
        opens_at=timezone.now() - timedelta(days=90), closes_at=timezone.now() - timedelta(days=30)
    )
    dossier = DossierFactory(
        call=call,
        cluster=ClusterFactory(owner=director),
        status=DossierStatus.UNDER_EVALUATION,
        submitted_at=call.closes_at - timedelta(days=1),
    )
    return dossier_transition(actor=administrator, dossier=dossier, action="select")


@pytest.mark.django_db
def test_a_decision_is_hidden_from_the_cluster_until_publication(client, director, decided):
    client.force_login(director)
    url = reverse("applications:dossier_detail", kwargs={"pk": decided.pk})

    before = page_text(client.get(url))
    Call.objects.filter(pk=decided.call_id).update(status=CallStatus.RESULTS_PUBLISHED)
    after = page_text(client.get(url))

    assert "En cours d'évaluation" in before
    assert "Retenu" not in before
    assert "Dossier retenu" not in before
    assert "Dossier retenu" in after


@pytest.mark.django_db
def test_a_divergent_dossier_needs_a_consensus_before_selection(committee_member):
    from decimal import Decimal

    from core.errors import ApplicationError
    from evaluation.models import Consensus
    from evaluation.services.selection import consensus_record, decision_set
    from evaluation.tests.test_selection import closed_call, ranked_dossier

    call = closed_call()
    dossier = ranked_dossier(call, [4] * 9, [2] * 9)  # 100 and 50: 50 points apart

    with pytest.raises(ApplicationError, match="consensus"):
        decision_set(actor=committee_member, dossier=dossier, outcome="selected")
    consensus_record(
        actor=committee_member, dossier=dossier, score=Decimal("80"), justification="Arbitrage"
    )
    decision_set(actor=committee_member, dossier=dossier, outcome="selected")
    with pytest.raises(ApplicationError, match="décision est déjà prise"):
        consensus_record(
            actor=committee_member, dossier=dossier, score=Decimal("30"), justification="Revu"
        )
    assert Consensus.objects.get(dossier=dossier).score == Decimal("80")


@pytest.mark.django_db
def test_the_evaluation_deadline_moves_after_the_grid_is_frozen(administrator):
    from datetime import timedelta

    from evaluation.services.grid import grid_ensure, grid_update
    from evaluation.tests.test_selection import closed_call

    grid = grid_ensure(call=closed_call())
    grid.frozen_at = timezone.now()
    grid.save()
    later = timezone.now() + timedelta(days=20)

    grid = grid_update(actor=administrator, grid=grid, evaluation_deadline=later)

    assert grid.evaluation_deadline == later


@pytest.mark.django_db
def test_an_admissible_dossier_without_evaluator_can_be_rejected(committee_member):
    from evaluation.services.selection import decision_set
    from evaluation.tests.test_selection import closed_call

    call = closed_call()
    dossier = DossierFactory(
        call=call, status=DossierStatus.ADMISSIBLE, submitted_at=call.closes_at - timedelta(days=1)
    )

    decision_set(actor=committee_member, dossier=dossier, outcome="rejected")

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REJECTED


@pytest.mark.django_db
def test_every_score_exports_as_csv_for_the_committee_only(client, committee_member, evaluator):
    import csv
    import io

    from evaluation.tests.test_selection import closed_call, ranked_dossier

    call = closed_call()
    dossier = ranked_dossier(call, [3] * 9, [4] * 9)
    url = reverse("evaluation:scores_csv", args=[call.pk])
    client.force_login(evaluator)
    assert client.get(url).status_code == 403

    client.force_login(committee_member)
    response = client.get(url)

    assert response["Content-Disposition"] == f'attachment; filename="notes-{call.reference}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 18
    assert {row[0] for row in rows[1:]} == {dossier.reference}


@pytest.mark.django_db
def test_admissibility_counts_the_members_listed_at_submission(director):
    from applications.models import ClusterMember
    from applications.selectors import dossier_for_page
    from applications.services.submission import dossier_submit
    from applications.tests.builders import complete, draft_for
    from evaluation.selectors.assignments import precheck

    dossier = complete(draft_for(director, members=10), director)
    dossier_submit(actor=director, dossier=dossier, declaration=True)
    # Members added after the deadline do not make the dossier eligible.
    ClusterMember.objects.bulk_create(
        ClusterMember(
            cluster=dossier.cluster,
            name=f"Tardif {n}",
            member_type="sme",
            city="Rabat",
            joined_year=2026,
        )
        for n in range(10)
    )

    gaps = precheck(dossier_for_page(type(dossier).objects.filter(pk=dossier.pk)).get())

    assert any("Il manque 5 membres" in gap for gap in gaps)
