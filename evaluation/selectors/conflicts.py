"""Which evaluator may not evaluate which dossier of a call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from applications.models import Dossier

from ..models import ConflictDeclaration

if TYPE_CHECKING:
    from applications.models import Call


def blocked_pairs(call: Call) -> set[tuple[int, int]]:
    """{(evaluator id, dossier id)} of the call that no assignment may join: the conflicts
    evaluators declared with the dossier's cluster."""
    dossiers = Dossier.objects.filter(call=call)
    cluster_dossiers: dict[int, list[int]] = {}
    for dossier_id, cluster_id in dossiers.values_list("pk", "cluster_id"):
        cluster_dossiers.setdefault(cluster_id, []).append(dossier_id)
    declared = ConflictDeclaration.objects.filter(
        cluster_id__in=cluster_dossiers, has_conflict=True
    ).values_list("evaluator_id", "cluster_id")
    return {
        (evaluator_id, dossier_id)
        for evaluator_id, cluster_id in declared
        for dossier_id in cluster_dossiers[cluster_id]
    }
