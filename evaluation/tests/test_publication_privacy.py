"""The committee's decisions reach the cluster only with the published results."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.choices import DossierStatus
from applications.models import Call
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
    Call.objects.filter(pk=decided.call_id).update(status=Call.Status.RESULTS_PUBLISHED)
    after = page_text(client.get(url))

    assert "En cours d'évaluation" in before
    assert "Retenu" not in before
    assert "Dossier retenu" not in before
    assert "Dossier retenu" in after
