from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import unverified_users_purge, user_invite, user_register_director
from accounts.tests.factories import DirectorFactory
from core.errors import ApplicationError


@pytest.mark.django_db
def test_purge_frees_addresses_of_registrations_never_verified(director):
    stale = DirectorFactory(email_verified_at=None)
    recent = DirectorFactory(email_verified_at=None)
    User.objects.filter(pk__in=[stale.pk, director.pk]).update(
        date_joined=timezone.now() - timedelta(days=8)
    )

    assert unverified_users_purge() == 1
    assert set(User.objects.values_list("pk", flat=True)) == {director.pk, recent.pk}
    # Nor does the field history keep the address: deleting writes a last record of its own.
    assert not User.history.filter(id=stale.pk).exists()


@pytest.mark.django_db
def test_registration_stores_the_address_in_lower_case():
    user = user_register_director(
        email="  Amina@Cluster-Solaire.MA ",
        full_name="Amina Idrissi",
        password="Soleil-de-Ouarzazate-2026",
        language="fr",
    )

    assert user.email == "amina@cluster-solaire.ma"
    assert user.check_password("Soleil-de-Ouarzazate-2026")


@pytest.mark.django_db
def test_only_an_administrator_can_invite(evaluator):
    with pytest.raises(ApplicationError):
        user_invite(
            inviter=evaluator,
            email="x@mcinet.gov.ma",
            full_name="X",
            role=Role.EVALUATOR,
            language="fr",
        )
    assert not User.objects.filter(email="x@mcinet.gov.ma").exists()
