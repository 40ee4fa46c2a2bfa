"""The journal: every state change is written here by the service that makes it."""

from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .models import JournalEntry

_LABELS = {}
# The date given to entries written inside `journal_dated`: the demo replays past events.
_DATED = ContextVar("journal_dated", default=None)


def register_actions(labels):
    """Each app declares the plain-words label of its journal actions (lazy translations)."""
    _LABELS.update(labels)


def action_label(action):
    return _LABELS.get(action, action)


def action_choices():
    """(code, label) of every registered action, by label: the journal page's filter."""
    return sorted(((code, str(label)) for code, label in _LABELS.items()), key=lambda c: c[1])


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


# States are shown by the entry's from → to already, in words; not again as codes.
_SHOWN_AS_STATES = {"status", "outcome"}
# Names of the values the services keep before and after a change, in words.
_VALUE_LABELS = {
    "paid_amount": _("montant versé"),
    "due_amount": _("montant exigible"),
    "total": _("note totale"),
    "score": _("note"),
    "subsidy_total": _("subvention"),
}


# Values in dirhams; other decimals (notes, totals out of 100, rates) are plain numbers.
_AMOUNTS = {
    "paid_amount",
    "due_amount",
    "subsidy_total",
    "amount",
    "budget_envelope",
    "max_annual_subsidy",
}


def _shown(value, name=""):
    from .templatetags.portal import mad

    if value is None or value == "":
        return "—"
    try:
        number = Decimal(value) if isinstance(value, str) and "." in value else None
    except InvalidOperation:
        number = None
    if number is not None:
        # Kept as "1200000.00" in the journal; shown in the reader's format.
        return mad(number) if name in _AMOUNTS else formats.number_format(number, use_l10n=True)
    return Truncator(str(value)).chars(80)


def _flat(values):
    """One level of nesting flattened: a review's notes show criterion by criterion."""
    flat = {}
    for key, value in (values or {}).items():
        if isinstance(value, dict):
            flat.update(value)
        else:
            flat[key] = value
    return flat


def _value_label(name, model):
    if name in _VALUE_LABELS:
        return _VALUE_LABELS[name]
    try:
        return model._meta.get_field(name).verbose_name
    except (AttributeError, FieldDoesNotExist):
        return name  # a criterion's label, already in words


def journal_changes(data, model=None):
    """What an entry changed, as (name, before, after) lines ready to show; [] if nothing.
    `model`, the entry's object's model, names its fields."""
    if not isinstance(data, dict) or ("before" not in data and "after" not in data):
        return []
    before, after = data.get("before"), data.get("after")
    if isinstance(before, list) or isinstance(after, list):
        return [(_("lignes"), len(before or []), len(after or []))]
    if not isinstance(before, dict) and not isinstance(after, dict):
        # A schedule's totals, the one change kept as two amounts.
        return [(_("total"), _shown(before, "amount"), _shown(after, "amount"))]
    before, after = _flat(before), _flat(after)
    names = list(after) + [name for name in before if name not in after]
    return [
        (_value_label(name, model), _shown(before.get(name), name), _shown(after.get(name), name))
        for name in names
        if before.get(name) != after.get(name) and name not in _SHOWN_AS_STATES
    ]
