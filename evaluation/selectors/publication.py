"""What keeps a call's results from being published: read by the ranking page and the
confirmation page before the click, and by the publication service, so that all three agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from applications.models import Dossier, DossierStatus
from core.templatetags.portal import mad

from ..models import Decision
from .ranking import RANKED_STATUSES, ranking

if TYPE_CHECKING:
    from applications.models import Call

# Dossiers submitted to the call whose admissibility is still to be decided.
AWAITING_ADMISSIBILITY = (DossierStatus.SUBMITTED, DossierStatus.DOCUMENTS_REQUESTED)


@dataclass(frozen=True)
class BlockingDossier:
    pk: int
    reference: str
    cluster: str


@dataclass(frozen=True)
class Blocker:
    """One reason the results may not be published yet, with the dossiers it concerns."""

    code: str
    text: str
    dossiers: tuple[BlockingDossier, ...] = field(default=())


def _blocking(row: Dossier) -> BlockingDossier:
    return BlockingDossier(row.pk, row.reference, row.cluster.name)


def _undecided(call: Call) -> tuple[list[BlockingDossier], list[BlockingDossier]]:
    """(the dossiers awaiting their admissibility, the ranked ones without a decision)."""
    rows = (
        call.dossiers.filter(
            Q(status__in=AWAITING_ADMISSIBILITY)
            | Q(status__in=RANKED_STATUSES, decision__isnull=True)
        )
        .order_by("reference")
        .values_list("pk", "reference", "cluster__name", "status")
    )
    awaiting: list[BlockingDossier] = []
    undecided: list[BlockingDossier] = []
    for pk, reference, cluster, status in rows:
        waiting = status in AWAITING_ADMISSIBILITY
        (awaiting if waiting else undecided).append(BlockingDossier(pk, reference, cluster))
    return awaiting, undecided


def publication_blockers(call: Call) -> list[Blocker]:
    """Every reason the call's results may not be published now; [] when they may.

    Two queries: the dossiers still without a decision, and the selected ones' line of the
    ranking (few: the envelope bounds them)."""
    awaiting, undecided = _undecided(call)
    selected = list(ranking(call).filter(decision__outcome=Decision.Outcome.SELECTED))
    unfit = [_blocking(row) for row in selected if row.reason]
    committed = sum((row.decision.subsidy_total for row in selected), Decimal(0))
    blockers = []
    if awaiting:
        blockers.append(
            Blocker(
                "awaiting_admissibility",
                _("Ces dossiers attendent encore leur décision de recevabilité"),
                tuple(awaiting),
            )
        )
    if undecided:
        blockers.append(
            Blocker(
                "missing_decisions",
                _("Chaque dossier classé doit avoir une décision ; il en manque pour ces dossiers"),
                tuple(undecided),
            )
        )
    if unfit:
        blockers.append(
            Blocker(
                "unfit",
                _("Ces dossiers retenus ne remplissent plus les conditions de sélection"),
                tuple(unfit),
            )
        )
    if committed > call.budget_envelope:
        blockers.append(
            Blocker(
                "envelope",
                _("Les dossiers retenus engagent %(committed)s pour une enveloppe de %(envelope)s")
                % {"committed": mad(committed), "envelope": mad(call.budget_envelope)},
            )
        )
    return blockers
