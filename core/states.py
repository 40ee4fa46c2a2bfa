"""State machines written once, as a table of allowed transitions."""

from django.utils.translation import gettext as _

from .errors import ApplicationError


class StateMachine:
    def __init__(self, transitions):
        # {(from_state, action): to_state}
        self.transitions = dict(transitions)

    def allows(self, state, action):
        return (state, action) in self.transitions

    def target(self, state, action):
        try:
            return self.transitions[(state, action)]
        except KeyError:
            raise ApplicationError(
                _("Cette action n'est pas possible dans l'état actuel."), code="transition"
            ) from None
