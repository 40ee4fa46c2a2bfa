"""State machines written once, as a table of allowed transitions, and the one place where an
entity's status is assigned: `StateMachine.move`, called by each entity's `<entity>_transition`
service. A test (core/tests/test_states_layout.py) refuses any other assignment of a status."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext as _

from .errors import ApplicationError
from .journal import journal_record

Transitions = Mapping[tuple[str, str], str]


class StateMachine:
    """One entity's life: {(from_state, action): to_state}. `name` prefixes journal actions
    ("review" + "submit" → "review.submit")."""

    def __init__(self, name: str, transitions: Transitions, *, field: str = "status") -> None:
        self.name = name
        self.field = field
        self.transitions = dict(transitions)

    def allows(self, state: str, action: str) -> bool:
        return (state, action) in self.transitions

    def actions(self) -> set[str]:
        return {action for _state, action in self.transitions}

    def states(self) -> set[str]:
        return {state for state, _action in self.transitions} | set(self.transitions.values())

    def target(self, state: str, action: str) -> str:
        try:
            return self.transitions[(state, action)]
        except KeyError:
            raise ApplicationError(
                _("Cette action n'est pas possible dans l'état actuel."), code="transition"
            ) from None

    def move(
        self,
        instance: models.Model,
        action: str,
        *,
        actor: Any,
        fields: Iterable[str] = (),
        journal_target: models.Model | None = None,
        journal_action: str | None = None,
        message: str = "",
        data: dict | None = None,
        journal: bool = True,
        guard: Callable[[], object] | None = None,
    ) -> str:
        """Check the move against the table, then the step's own condition (`guard`, which
        raises to refuse), save the status with `fields` (set by the caller beforehand) and
        journal it on `journal_target` (the instance by default). Returns the state the
        instance left. The caller holds the row's lock and checks who may act."""
        from_state = getattr(instance, self.field)
        to_state = self.target(from_state, action)
        if guard is not None:
            guard()
        setattr(instance, self.field, to_state)
        update_fields = [self.field, *fields]
        if any(field.name == "updated_at" for field in instance._meta.concrete_fields):
            update_fields.append("updated_at")
        update_fields = list(dict.fromkeys(update_fields))
        # The field-level history (audit app) names the person outside a request too.
        setattr(instance, "_history_user", actor)  # noqa: B010 -- not a field of Model
        instance.save(update_fields=update_fields)
        if journal:
            journal_record(
                target=journal_target or instance,
                actor=actor,
                action=journal_action or f"{self.name}.{action}",
                from_state=from_state,
                to_state=to_state,
                message=message,
                data=data,
            )
        return from_state


# One colour per state, everywhere in the portal (UX.md: consistent status tags). Each app
# registers its own entities' states beside their enums; a value shared by two entities
# ("draft", "submitted") must keep one colour.
_BADGES: dict[str, str] = {}
DEFAULT_BADGE = "text-bg-secondary"


def register_badges(styles: Mapping[str, str]) -> None:
    for state, style in styles.items():
        if _BADGES.setdefault(str(state), style) != style:
            raise ImproperlyConfigured(
                f"State {state!r} is shown as {_BADGES[str(state)]!r} and {style!r}."
            )


def registered_badges() -> dict[str, str]:
    return dict(_BADGES)


def badge_style(state: object) -> str:
    return _BADGES.get(str(state), DEFAULT_BADGE)
