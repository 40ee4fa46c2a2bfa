"""Who may do what in the evaluation: role rules here, object rules on assignments."""

import rules

from accounts.rules import is_administrator, is_committee_member, is_evaluator

from .models import AssignmentStatus


@rules.predicate
def is_assigned_evaluator(user, assignment):
    return assignment is not None and assignment.evaluator_id == user.pk and assignment.is_live


@rules.predicate
def assignment_is_active(user, assignment):
    return assignment is not None and assignment.status == AssignmentStatus.ACTIVE


# Grid, admissibility, assignments, publication of the results.
rules.add_perm("evaluation.manage", is_administrator)
# Consensus scores, the ranking and the selection decisions.
rules.add_perm("evaluation.decide", is_committee_member | is_administrator)
rules.add_perm("evaluation.view_ranking", is_committee_member | is_administrator)
# The evaluator's own workspace.
rules.add_perm("evaluation.evaluate", is_evaluator)
rules.add_perm("evaluation.declare_interests", is_evaluator & is_assigned_evaluator)
rules.add_perm("evaluation.score", is_evaluator & is_assigned_evaluator & assignment_is_active)
