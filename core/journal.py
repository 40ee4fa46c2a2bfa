"""The journal: every state change is written here by the service that makes it."""

from django.contrib.contenttypes.models import ContentType

from .models import JournalEntry

_LABELS = {}


def register_actions(labels):
    """Each app declares the plain-words label of its journal actions (lazy translations)."""
    _LABELS.update(labels)


def action_label(action):
    return _LABELS.get(action, action)


def journal_record(*, target, actor, action, from_state="", to_state="", message="", data=None):
    return JournalEntry.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        message=message,
        data=data or {},
    )


def journal_for(target):
    return JournalEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).select_related("actor")
