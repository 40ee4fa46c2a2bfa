"""Who evaluates which dossier: assignments by hand or balanced automatically, and the
evaluator's declaration of interests that comes before any reading of the dossier."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import active_administrators
from applications.models import Dossier, DossierStatus
from applications.services.submission import dossier_transition
from core.errors import ApplicationError
from core.formatting import isolated_text
from core.journal import journal_record
from core.mail import mail_queue
from core.states import StateMachine

from ..models import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    ConflictKind,
    Review,
    ReviewStatus,
)
from ..selectors.assignments import (
    ASSIGNABLE_STATUSES,
    EVALUATORS_PER_DOSSIER,
    LIVE_STATUSES,
    conflicted_pairs,
    evaluators_with_load,
)
from .grid import ensure_grid_complete, grid_ensure

if TYPE_CHECKING:
    from accounts.models import User
    from applications.models import Call

    from ..models import Grid


def _require_manager(actor: User) -> None:
    if not actor.has_perm("evaluation.manage"):
        raise ApplicationError(
            _("Seul un administrateur du programme peut attribuer les dossiers."), code="forbidden"
        )


def _lock_dossier(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("call", "cluster")
        .get(pk=dossier.pk)
    )


def _ensure_assignable(dossier: Dossier) -> None:
    if dossier.status not in ASSIGNABLE_STATUSES:
        raise ApplicationError(
            _(
                "Le dossier %(reference)s n'est pas recevable ou n'est plus en évaluation : "
                "il ne peut pas recevoir d'évaluateur."
            )
            % {"reference": dossier.reference},
            code="not_assignable",
        )


def _ensure_evaluator_free(dossier: Dossier, evaluator: User) -> None:
    if not (evaluator.is_active and evaluator.role == Role.EVALUATOR):
        raise ApplicationError(
            _("%(name)s n'est pas un évaluateur actif.")
            % {"name": isolated_text(evaluator.full_name)},
            field="evaluator",
        )
    if ConflictDeclaration.objects.filter(
        evaluator=evaluator, cluster=dossier.cluster, has_conflict=True
    ).exists():
        raise ApplicationError(
            _("%(name)s a déclaré un conflit d'intérêts avec le cluster %(cluster)s.")
            % {
                "name": isolated_text(evaluator.full_name),
                "cluster": isolated_text(dossier.cluster.name),
            },
            field="evaluator",
            code="conflict",
        )
    if Assignment.objects.filter(
        dossier=dossier, evaluator=evaluator, status__in=LIVE_STATUSES
    ).exists():
        raise ApplicationError(
            _("%(name)s évalue déjà le dossier %(reference)s.")
            % {"name": isolated_text(evaluator.full_name), "reference": dossier.reference},
            field="evaluator",
            code="already_assigned",
        )


A = AssignmentStatus
ASSIGNMENT_STATES = StateMachine(
    "assignment",
    {
        (A.AWAITING_DECLARATION, "accept"): A.ACTIVE,
        (A.AWAITING_DECLARATION, "conflict"): A.WITHDRAWN_CONFLICT,
        (A.AWAITING_DECLARATION, "remove"): A.REMOVED,
        (A.ACTIVE, "remove"): A.REMOVED,
    },
)


def assignment_transition(
    *,
    actor: User,
    assignment: Assignment,
    action: str,
    journal_target: Assignment | Dossier,
    message: str = "",
    data: dict | None = None,
) -> Assignment:
    """Move a locked assignment along the table above and journal it on `journal_target`:
    the assignment itself where the entry names the evaluator's statement."""
    ASSIGNMENT_STATES.move(
        assignment,
        action,
        actor=actor,
        journal_target=journal_target,
        message=message,
        data=data,
    )
    return assignment


def _assign(
    *, actor: User, dossier: Dossier, evaluator: User, grid: Grid
) -> tuple[Assignment, Dossier]:
    """Create the assignment; the caller has locked the dossier and checked everything."""
    assignment = Assignment.objects.create(dossier=dossier, evaluator=evaluator, assigned_by=actor)
    # The evaluator's identity stays off the dossier's history, which its director reads.
    journal_record(
        target=dossier,
        actor=actor,
        action="assignment.create",
        data={"assignment": assignment.pk, "evaluator": evaluator.pk},
    )
    if dossier.status == DossierStatus.ADMISSIBLE:
        dossier = dossier_transition(actor=actor, dossier=dossier, action="start_evaluation")
    mail_queue(
        template="assignment_created",
        to=evaluator.email,
        language=evaluator.preferred_language,
        context={
            "user": evaluator,
            "dossier": dossier,
            "cluster": dossier.cluster,
            "call": dossier.call,
            "deadline": grid.evaluation_deadline,
        },
        key=f"assignment-created:{assignment.pk}",
    )
    return assignment, dossier


def _complete_grid(call: Call) -> Grid:
    grid = grid_ensure(call=call)
    ensure_grid_complete(grid)
    return grid


@transaction.atomic
def assignment_create(*, actor: User, dossier: Dossier, evaluator: User) -> Assignment:
    """Ask one evaluator to score one admissible dossier; they are told by e-mail."""
    _require_manager(actor)
    dossier = _lock_dossier(dossier)
    _ensure_assignable(dossier)
    _ensure_evaluator_free(dossier, evaluator)
    grid = _complete_grid(dossier.call)
    assignment, _dossier = _assign(actor=actor, dossier=dossier, evaluator=evaluator, grid=grid)
    return assignment


@transaction.atomic
def assignments_auto(
    *, actor: User, call: Call, per_dossier: int = EVALUATORS_PER_DOSSIER
) -> list[Assignment]:
    """Give each dossier of the call up to `per_dossier` evaluators, least loaded first.

    Never an evaluator who declared a conflict with the dossier's cluster, nor one already
    on it. Ties go by name. Returns the assignments created; when evaluators run out, the
    dossiers keep what could be given (see `short_dossiers`)."""
    _require_manager(actor)
    grid = _complete_grid(call)
    dossiers = list(
        Dossier.objects.select_for_update(of=("self",))
        .filter(call=call, status__in=ASSIGNABLE_STATUSES)
        .select_related("call", "cluster")
        .order_by("submitted_at", "reference")
    )
    assigned: dict[int, set[int]] = {}
    for dossier_id, evaluator_id in Assignment.objects.filter(
        dossier__in=dossiers, status__in=LIVE_STATUSES
    ).values_list("dossier_id", "evaluator_id"):
        assigned.setdefault(dossier_id, set()).add(evaluator_id)
    conflicts = conflicted_pairs({dossier.cluster_id for dossier in dossiers})
    evaluators = list(evaluators_with_load(call))
    # The neediest dossiers are served first, so a shortage spreads over the fewest dossiers.
    dossiers.sort(key=lambda dossier: len(assigned.get(dossier.pk, ())))
    created = []
    for dossier in dossiers:
        taken = assigned.setdefault(dossier.pk, set())
        while len(taken) < per_dossier:
            candidates = [
                evaluator
                for evaluator in evaluators
                if evaluator.pk not in taken and (evaluator.pk, dossier.cluster_id) not in conflicts
            ]
            if not candidates:
                break
            chosen = min(candidates, key=lambda e: (e.load, e.full_name.casefold(), e.pk))
            assignment, dossier = _assign(actor=actor, dossier=dossier, evaluator=chosen, grid=grid)
            chosen.load += 1
            taken.add(chosen.pk)
            created.append(assignment)
    return created


@transaction.atomic
def assignment_remove(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
    """Take a dossier back from an evaluator, unless their review is already submitted."""
    _require_manager(actor)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.is_live:
        raise ApplicationError(_("Cette attribution est déjà retirée."), code="not_live")
    if Review.objects.filter(assignment=assignment, status=ReviewStatus.SUBMITTED).exists():
        raise ApplicationError(
            _(
                "L'évaluation de ce dossier est déjà soumise : l'attribution ne peut plus "
                "être retirée."
            ),
            code="review_submitted",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Indiquez le motif du retrait."), field="reason")
    # Journaled on the dossier, as its creation was: its history shows who evaluates it to
    # the ministry only (the director's timeline hides assignment entries).
    return assignment_transition(
        actor=actor,
        assignment=assignment,
        action="remove",
        journal_target=assignment.dossier,
        message=reason,
        data={"assignment": assignment.pk, "evaluator": assignment.evaluator_id},
    )


@transaction.atomic
def interests_declare(
    *,
    actor: User,
    assignment: Assignment,
    has_conflict: bool,
    statement: str = "",
    kind: str = ConflictKind.OTHER,
) -> Assignment:
    """The evaluator's word before opening the dossier: no conflict makes the assignment
    active; a conflict withdraws it, is remembered for the cluster, and the administrators
    are told so they can reassign the dossier."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("dossier__call", "dossier__cluster", "evaluator")
        .get(pk=assignment.pk)
    )
    if not actor.has_perm("evaluation.declare_interests", assignment):
        raise ApplicationError(
            _("Seul l'évaluateur attribué peut déclarer ses intérêts sur ce dossier."),
            code="forbidden",
        )
    if assignment.status != AssignmentStatus.AWAITING_DECLARATION:
        raise ApplicationError(
            _("Votre déclaration d'intérêts pour ce dossier est déjà enregistrée."),
            code="already_declared",
        )
    statement = (statement or "").strip()
    if has_conflict and not statement:
        raise ApplicationError(_("Précisez la nature du conflit d'intérêts."), field="statement")
    cluster = assignment.dossier.cluster
    ConflictDeclaration.objects.update_or_create(
        evaluator=actor,
        cluster=cluster,
        defaults={
            "has_conflict": has_conflict,
            "kind": kind if has_conflict else "",
            "statement": statement,
        },
    )
    # Journaled on the assignment: the dossier's history, read by its director, must not name
    # the evaluator nor carry their statement.
    assignment_transition(
        actor=actor,
        assignment=assignment,
        action="conflict" if has_conflict else "accept",
        journal_target=assignment,
        message=statement,
        data={"dossier": assignment.dossier_id, "cluster": cluster.pk},
    )
    if has_conflict:
        _tell_administrators_of_conflict(assignment, statement)
    return assignment


def _tell_administrators_of_conflict(assignment: Assignment, statement: str) -> None:
    dossier = assignment.dossier
    for administrator in active_administrators():
        mail_queue(
            template="conflict_declared",
            to=administrator.email,
            language=administrator.preferred_language,
            context={
                "user": administrator,
                "evaluator": assignment.evaluator,
                "dossier": dossier,
                "cluster": dossier.cluster,
                "call": dossier.call,
                "statement": statement,
            },
            key=f"conflict-declared:{assignment.pk}:{administrator.pk}",
        )
