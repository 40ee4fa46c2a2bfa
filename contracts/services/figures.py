"""The public figures of a call's contracts, kept in one row per call (`CallFigures`)."""

from applications.models import Call

from ..dashboard import live_call_figures
from ..models import CallFigures


def call_figures_refresh(*, call: Call) -> CallFigures:
    """Count again what the call's public page shows of its contracts and keep it; called in
    the transaction that moved one of them, so the row and the contracts never disagree."""
    clusters, committed, lines = live_call_figures(call)
    figures, _created = CallFigures.objects.update_or_create(
        call=call,
        defaults={
            "clusters": clusters,
            "committed": committed,
            "targets": [[line.indicator, line.label, line.target] for line in lines],
        },
    )
    return figures
