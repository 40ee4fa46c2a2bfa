"""Who may do what with accounts. Role predicates live here and are reused by every app."""

import rules

from .models import Role


def _has_role(role):
    @rules.predicate(name=f"is_{role}")
    def predicate(user):
        return bool(user and user.is_authenticated and user.is_active and user.role == role)

    return predicate


is_director = _has_role(Role.DIRECTOR)
is_evaluator = _has_role(Role.EVALUATOR)
is_committee_member = _has_role(Role.COMMITTEE)
is_administrator = _has_role(Role.ADMINISTRATOR)
is_ministry_staff = is_evaluator | is_committee_member | is_administrator

rules.add_perm("accounts.list_users", is_administrator)
rules.add_perm("accounts.invite_user", is_administrator)
rules.add_perm("accounts.reset_two_factor", is_administrator)
