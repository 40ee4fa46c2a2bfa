"""The state machine itself, the outgoing e-mail's table, and the status colours."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.errors import ApplicationError
from core.mail import MAIL_STATES
from core.models import JournalEntry, MailStatus, OutgoingMail
from core.states import (
    DEFAULT_BADGE,
    StateMachine,
    badge_style,
    register_badges,
    registered_badges,
)
from core.tests.states import walk_table

pytestmark = pytest.mark.django_db


def test_every_move_of_an_e_mail_follows_its_table_and_is_not_journaled():
    def build(state):
        return OutgoingMail.objects.create(
            key=f"k-{OutgoingMail.objects.count()}",
            template="t",
            to="a@example.ma",
            language="fr",
            subject="s",
            body_text="b",
            status=state,
        )

    def move(mail, action):
        MAIL_STATES.move(mail, action, actor=None, journal=False)

    walk_table(MAIL_STATES, MailStatus.values, build, move, journaled=False)
    assert not JournalEntry.objects.exists()


def test_a_refused_move_names_no_code_to_the_user():
    machine = StateMachine("thing", {("a", "go"): "b"})
    with pytest.raises(ApplicationError) as refusal:
        machine.target("b", "go")
    assert refusal.value.code == "transition"
    assert machine.allows("a", "go") and not machine.allows("b", "go")
    assert machine.states() == {"a", "b"} and machine.actions() == {"go"}


def test_every_status_of_every_entity_has_its_colour():
    from applications.models import CallStatus, DossierStatus
    from contracts.models import ContractStatus, ReportStatus, TrancheStatus
    from evaluation.models import AssignmentStatus, ReviewStatus

    enums = [
        CallStatus,
        DossierStatus,
        AssignmentStatus,
        ReviewStatus,
        ContractStatus,
        TrancheStatus,
        ReportStatus,
    ]
    colours = registered_badges()
    uncoloured = [value for enum in enums for value in enum.values if value not in colours]
    assert uncoloured == []
    assert badge_style(ContractStatus.SENT) == "text-bg-warning"
    assert badge_style("no-such-state") == DEFAULT_BADGE


def test_one_state_cannot_get_two_colours():
    register_badges({"draft": "text-bg-secondary"})
    with pytest.raises(ImproperlyConfigured):
        register_badges({"draft": "text-bg-danger"})
