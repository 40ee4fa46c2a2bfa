"""Who evaluates what: live assignments, the evaluator's queue, loads and conflicts, the
dossiers still short of evaluators, reminders due, and the admissibility pre-check."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from accounts.selectors import active_evaluators
from applications.eligibility import eligibility_gaps
from applications.models import Dossier, DossierStatus
from applications.sections import missing_items
from applications.selectors import submitted_mass
from core.formatting import isolated_text
from core.translation import localized

from ..models import Assignment, AssignmentStatus, ConflictDeclaration, ReviewStatus

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import WithAnnotations

    from accounts.models import User
    from applications.models import Call


# Dossiers that may receive evaluators, and those being scored (between admissibility and
# the committee's decision): the same statuses, read by the assignment and review services.
ASSIGNABLE_STATUSES = (DossierStatus.ADMISSIBLE, DossierStatus.UNDER_EVALUATION)
SCORABLE_STATUSES = ASSIGNABLE_STATUSES


LIVE_STATUSES = (AssignmentStatus.AWAITING_DECLARATION, AssignmentStatus.ACTIVE)


EVALUATORS_PER_DOSSIER = 2


def live_assignments(dossier_ids: Iterable[int] | None = None) -> QuerySet[Assignment]:
    live = Assignment.objects.filter(status__in=LIVE_STATUSES)
    return live if dossier_ids is None else live.filter(dossier_id__in=dossier_ids)


def evaluator_queue_lines(user: User) -> QuerySet[Assignment, Any]:
    """The evaluator's live assignments as the queue shows them: only the columns on screen,
    by evaluation deadline then reference (one query, no model built per row)."""
    return (
        live_assignments()
        .filter(evaluator=user)
        .order_by(
            F("dossier__call__grid__evaluation_deadline").asc(nulls_last=True),
            "dossier__reference",
        )
        .values(
            "pk",
            "status",
            reference=F("dossier__reference"),
            cluster=F("dossier__cluster__name"),
            call_title=localized("dossier__call__title"),
            deadline=F("dossier__call__grid__evaluation_deadline"),
            review_status=F("review__status"),
            review_total=F("review__total"),
        )
    )


def evaluator_queue(user: User) -> QuerySet[Assignment]:
    """The evaluator's assignments, with what each page needs, in a fixed number of queries."""
    return (
        live_assignments()
        .filter(evaluator=user)
        .select_related("dossier__call__grid", "dossier__cluster", "review")
        .order_by(
            F("dossier__call__grid__evaluation_deadline").asc(nulls_last=True),
            "dossier__reference",
        )
    )


class EvaluatorLoad(TypedDict):
    """What `evaluators_with_load` adds to each evaluator: their live assignments in the call."""

    load: int


def evaluators_with_load(call: Call) -> QuerySet[WithAnnotations[User, EvaluatorLoad]]:
    """Every active evaluator with `load`, their live assignments in the call: one query."""
    live_in_call = Q(assignments__status__in=LIVE_STATUSES, assignments__dossier__call=call)
    return active_evaluators().annotate(load=Count("assignments", filter=live_in_call))


def conflicted_pairs(cluster_ids: Iterable[int]) -> set[tuple[int, int]]:
    """{(evaluator id, cluster id)} of the conflicts declared with these clusters."""
    return set(
        ConflictDeclaration.objects.filter(
            cluster_id__in=cluster_ids, has_conflict=True
        ).values_list("evaluator_id", "cluster_id")
    )


def short_dossiers(call: Call, per_dossier: int = EVALUATORS_PER_DOSSIER) -> QuerySet[Dossier]:
    """The call's assignable dossiers with fewer than `per_dossier` live evaluators."""
    return (
        Dossier.objects.filter(call=call, status__in=ASSIGNABLE_STATUSES)
        .annotate(live_count=Count("assignments", filter=Q(assignments__status__in=LIVE_STATUSES)))
        .filter(live_count__lt=per_dossier)
        .order_by("reference")
    )


def pending_assignments(now: datetime, *, within: timedelta) -> QuerySet[Assignment]:
    """Active assignments whose review is not submitted, their evaluation deadline still ahead
    but no further than `within` (the first reminder's span)."""
    return (
        Assignment.objects.filter(
            status=AssignmentStatus.ACTIVE,
            dossier__status__in=SCORABLE_STATUSES,
            dossier__call__grid__evaluation_deadline__gt=now,
            dossier__call__grid__evaluation_deadline__lte=now + within,
        )
        .exclude(review__status=ReviewStatus.SUBMITTED)
        .select_related("evaluator", "dossier__cluster", "dossier__call__grid")
        .order_by("dossier__reference")
    )


def precheck(dossier: Dossier, mass: dict[str, Any] | None = None) -> list[str]:
    """What the portal finds wrong with a dossier before staff decide: the call's eligibility
    rules, then the mandatory items missing. Empty when it conforms.

    `dossier` is loaded with `applications.selectors.dossier_for_page`. The members counted
    are those the dossier listed when it was submitted, not the cluster's list of today."""
    if dossier.participants_snapshot:
        mass = submitted_mass(dossier.participants_snapshot)
    gaps = eligibility_gaps(dossier.cluster, dossier.call, mass)
    for section, label in missing_items(dossier):
        if section.kind == "documents":
            gaps.append(_("Pièce obligatoire manquante : %(label)s") % {"label": label})
        else:
            gaps.append(
                _("Section incomplète : %(title)s") % {"title": isolated_text(section.title)}
            )
    return gaps


def request_pending(dossier: Dossier, now: datetime | None = None) -> bool:
    """An open request for documents: the cluster still has time to answer it."""
    return any(request.is_open(now) for request in dossier.document_requests.all())
