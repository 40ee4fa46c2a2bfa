"""The call's and the dossier's transition tables, walked move by move."""

import pytest
from django.utils import timezone

from applications.models import CallStatus, DossierStatus
from applications.services.calls import CALL_STATES, call_transition
from applications.services.submission import DOSSIER_STATES, dossier_transition
from applications.tests.factories import CallFactory, DossierFactory
from core.tests.states import walk_table

pytestmark = pytest.mark.django_db


def test_every_move_of_a_dossier_follows_its_table(administrator):
    def build(state):
        return DossierFactory(status=state, submitted_at=timezone.now())

    def move(dossier, action):
        dossier_transition(actor=administrator, dossier=dossier, action=action)

    tried = walk_table(DOSSIER_STATES, DossierStatus.values, build, move)
    assert tried == len(DossierStatus.values) * len(DOSSIER_STATES.actions())


def test_every_move_of_a_call_follows_its_table(administrator):
    def move(call, action):
        call_transition(actor=administrator, call=call, action=action)

    walk_table(CALL_STATES, CallStatus.values, lambda state: CallFactory(status=state), move)
