"""Walking an entity's transition table: every allowed move works and is journaled, every
other move is refused with the clear "not possible in the current state" error, the row left
as it was."""

import pytest

from core.errors import ApplicationError
from core.models import JournalEntry


def walk_table(machine, states, build, transition, *, journaled=True):
    """`build(state)` gives a saved instance in `state`, anew for each move tried;
    `transition(instance, action)` calls the entity's transition function. Returns the number
    of moves tried."""
    tried = 0
    for state in states:
        for action in sorted(machine.actions()):
            tried += 1
            if machine.allows(state, action):
                _assert_moves(machine, build(state), state, action, transition, journaled)
            else:
                _assert_refused(build(state), state, action, transition)
    return tried


def _assert_moves(machine, instance, state, action, transition, journaled):
    entries = JournalEntry.objects.count()
    transition(instance, action)
    instance.refresh_from_db()
    assert instance.status == machine.target(state, action), (state, action)
    if journaled:
        entry = JournalEntry.objects.order_by("-pk").first()
        assert JournalEntry.objects.count() == entries + 1, (state, action)
        assert (entry.from_state, entry.to_state) == (state, instance.status), (state, action)


def _assert_refused(instance, state, action, transition):
    entries = JournalEntry.objects.count()
    with pytest.raises(ApplicationError) as refusal:
        transition(instance, action)
    assert refusal.value.code == "transition", (state, action)
    assert "pas possible dans l'état actuel" in str(refusal.value.message)
    instance.refresh_from_db()
    assert instance.status == state, (state, action)
    assert JournalEntry.objects.count() == entries, (state, action)
