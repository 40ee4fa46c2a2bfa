"""The contracts' part of the retention policy (docs/operations/retention.md): a funded dossier
and its contract are kept while the contract runs and for the set years after it ended; the
portal then only reports them, for a decision with the archives (law 69-99): never deletes."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet

from .models import Contract, ContractStatus

ENDED = (ContractStatus.CLOSED, ContractStatus.TERMINATED)


def clusters_under_contract() -> QuerySet:
    """Contracts not ended: their cluster's director and co-editors are still active."""
    return Contract.objects.exclude(status__in=ENDED).values("cluster_id")


def contracts_past_retention(*, now: datetime) -> QuerySet[Contract]:
    years = settings.RETENTION_FUNDED_YEARS_AFTER_CONTRACT
    # 365.25 days a year: leap years do not shorten the time kept.
    return Contract.objects.filter(
        status__in=ENDED, ended_at__lt=now - timedelta(days=round(365.25 * years))
    )
