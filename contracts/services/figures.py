"""The public figures of a call's contracts, kept in one row per call (`CallFigures`)."""

from django.db import transaction

from applications.models import Call

from ..dashboard import public as dashboard
from ..models import CallFigures


@transaction.atomic
def call_figures_refresh(*, call: Call) -> CallFigures:
    """Count again what the call's public page shows of its contracts and keep it; called in
    the transaction that moved one of them, so the row and the contracts never disagree.

    Counted under the row's lock: two contracts of one call moved at once are counted one
    after the other, the second seeing the first once it has committed (each statement of a
    READ COMMITTED transaction reads what is committed when it starts). The call's own row
    is not locked: dossier writes of the call would wait on it."""
    CallFigures.objects.get_or_create(call=call)
    figures = CallFigures.objects.select_for_update().get(call=call)
    clusters, committed, lines = dashboard.live_call_figures(call)
    figures.clusters, figures.committed = clusters, committed
    figures.targets = [[line.indicator, line.label, line.target, line.names] for line in lines]
    figures.save()
    return figures
