"""The journal: every state change is written here by the service that makes it."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .models import JournalEntry

_LABELS = {}
# The date given to entries written inside `journal_dated`: the demo replays past events.
_DATED = ContextVar("journal_dated", default=None)


def register_actions(labels):
    """Each app declares the plain-words label of its journal actions (lazy translations)."""
    _LABELS.update(labels)


def action_label(action):
    return _LABELS.get(action, action)


@contextmanager
def journal_dated(when):
    """Entries written by the services inside the block are dated `when` at insert time (the
    journal is append-only: a date cannot be corrected afterwards)."""
    token = _DATED.set(when)
    try:
        yield
    finally:
        _DATED.reset(token)


def journal_record(
    *, target, actor, action, from_state="", to_state="", message="", data=None, at=None
):
    return JournalEntry.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        message=message,
        data=data or {},
        created_at=at or _DATED.get() or timezone.now(),
    )


def journal_for(target):
    return JournalEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).select_related("actor")
