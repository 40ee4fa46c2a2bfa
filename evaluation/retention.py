"""The evaluation's part of the retention policy (docs/operations/retention.md): the scores and
decisions of an unsuccessful dossier stay (the record of the call's results); the decision
letter, addressed to the cluster's director by name, goes with the dossier's content."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from applications.models import CallStatus

from .models import Assignment, AssignmentStatus, Consensus, Decision

LIVE = (AssignmentStatus.AWAITING_DECLARATION, AssignmentStatus.ACTIVE)


@transaction.atomic
def decision_letters_erase(*, dossier_ids: list[int]) -> list[tuple[str, str]]:
    decisions = Decision.objects.filter(dossier__in=dossier_ids).exclude(letter="")
    files = [("default", name) for name in decisions.values_list("letter", flat=True)]
    decisions.update(letter="")
    Decision.history.filter(dossier_id__in=dossier_ids).update(letter="")  # type: ignore[attr-defined]
    return files


def people_with_evaluation_pending() -> set[int]:
    """Evaluators still assigned to a dossier of a call whose results are not published (a
    review to give, or to reopen), and committee members who settled such a dossier. Once the
    results are out, an assignment (even one left without a review) asks nothing more."""
    unpublished = ~Q(dossier__call__status=CallStatus.RESULTS_PUBLISHED)
    evaluators = Assignment.objects.filter(unpublished, status__in=LIVE).values_list(
        "evaluator_id", flat=True
    )
    deciders = [
        model.objects.filter(unpublished).values_list("decided_by_id", flat=True)
        for model in (Consensus, Decision)
    ]
    return set(evaluators).union(*deciders)
