"""Nothing in the portal deletes a submitted dossier, a review or a payment: withdrawal and
cancellation are states. A draft may still go."""

from datetime import timedelta

import pytest
from django.db.models import ProtectedError
from django.utils import timezone

from applications.models import Dossier, DossierStatus
from applications.tests.factories import DossierFactory
from contracts.models import Contract, Payment
from contracts.services.payments import payment_record
from contracts.tests.factories import active_contract
from core.errors import ApplicationError
from evaluation.models import Review, Score
from evaluation.tests.factories import AssignmentFactory, submitted_review

pytestmark = pytest.mark.django_db


def test_a_draft_dossier_may_be_deleted():
    draft = DossierFactory()
    draft.delete()
    assert not Dossier.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize(
    "status", [DossierStatus.SUBMITTED, DossierStatus.UNDER_EVALUATION, DossierStatus.WITHDRAWN]
)
def test_a_dossier_once_submitted_is_never_deleted(status):
    dossier = DossierFactory(status=status, submitted_at=timezone.now() - timedelta(days=1))
    draft = DossierFactory()

    with pytest.raises(ApplicationError, match="ne se supprime pas"):
        dossier.delete()
    with pytest.raises(ApplicationError):
        Dossier.objects.filter(pk__in=[dossier.pk, draft.pk]).delete()

    assert Dossier.objects.filter(pk__in=[dossier.pk, draft.pk]).count() == 2


def test_a_submitted_review_and_its_notes_are_never_deleted():
    review = submitted_review(AssignmentFactory(), [3] * 9)

    with pytest.raises(ApplicationError, match="rouvrir"):
        review.delete()
    with pytest.raises(ApplicationError):
        Review.objects.filter(pk=review.pk).delete()
    with pytest.raises(ApplicationError):
        Score.objects.filter(review=review).delete()
    with pytest.raises(ApplicationError):
        review.scores.first().delete()

    assert Review.objects.filter(pk=review.pk).exists()
    assert Score.objects.filter(review=review).count() == 9


def test_a_draft_review_may_be_deleted():
    review = Review.objects.create(assignment=AssignmentFactory())
    assert Review.objects.filter(pk=review.pk).delete()[0] == 1


def test_a_payment_is_never_deleted_nor_the_contract_it_belongs_to(administrator, director):
    contract = active_contract(administrator, director)
    tranche = contract.tranches.get(year=1, position=1)
    payment = payment_record(
        actor=administrator,
        tranche=tranche,
        paid_on=timezone.localdate(),
        amount=tranche.due_amount,
        reference="VIR-1",
    )

    with pytest.raises(ApplicationError, match="jamais"):
        payment.delete()
    with pytest.raises(ApplicationError):
        Payment.objects.all().delete()
    # A cascade cannot reach it either: the tranche and the contract are protected.
    with pytest.raises(ProtectedError):
        Contract.objects.filter(pk=contract.pk).delete()

    assert Payment.objects.filter(pk=payment.pk).exists()
