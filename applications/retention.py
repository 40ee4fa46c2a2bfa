"""The dossiers' part of the retention policy (docs/operations/retention.md).

An unsuccessful dossier was received by the ministry: its row, status, dates and the scores it
got stay as the record of the call's results (they justify whom the State funded), while its
files and every text the cluster typed are erased. A draft never submitted was never received:
it is deleted. Each service returns the stored files to remove once the transaction commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from core.models import JournalEntry

from .models import (
    CallStatus,
    Cluster,
    CollaborativeProject,
    Dossier,
    DossierDocument,
    DossierStatus,
    Receipt,
)

# The texts a cluster typed in its dossier: they may name its people.
TYPED_FIELDS = (
    "perimeter",
    "governance",
    "strategy",
    "partnership_terms",
    "steering_team",
    "pooled_means",
    "related_projects",
    "international",
    "human_resources",
    "monitoring",
)
UNSUCCESSFUL = (DossierStatus.REJECTED, DossierStatus.WAITING_LIST, DossierStatus.INADMISSIBLE)
# A stored file: (storage alias, name).
StoredFile = tuple[str, str]


def _days(setting: str) -> timedelta:
    return timedelta(days=getattr(settings, setting))


def _results_published_at() -> Subquery:
    """When the dossier's call published its results, as its journal says."""
    entries = JournalEntry.objects.filter(
        content_type__app_label="applications",
        content_type__model="call",
        object_id=OuterRef("call_id"),
        action="results.publish",
    ).order_by("-created_at")
    return Subquery(entries.values("created_at")[:1], output_field=DateTimeField())


def unsuccessful_dossiers_due(*, now: datetime) -> QuerySet[Dossier]:
    """Dossiers not selected (or withdrawn, or reopened and never sent again) whose time is up
    and whose content is not erased yet."""
    cutoff = now - _days("RETENTION_UNSUCCESSFUL_DOSSIER_DAYS")
    return (
        Dossier.objects.filter(content_erased_at__isnull=True)
        .annotate(results_at=Coalesce(_results_published_at(), "call__closes_at"))
        .filter(
            Q(
                status__in=UNSUCCESSFUL,
                call__status=CallStatus.RESULTS_PUBLISHED,
                results_at__lt=cutoff,
            )
            | Q(status=DossierStatus.WITHDRAWN, call__closes_at__lt=cutoff)
            | Q(
                status=DossierStatus.DRAFT,
                receipts__isnull=False,
                call__closes_at__lt=now - _days("RETENTION_DRAFT_DOSSIER_DAYS"),
            )
        )
        .distinct()
    )


def abandoned_drafts_due(*, now: datetime) -> QuerySet[Dossier]:
    """Drafts never submitted, on a call closed for the set time."""
    return Dossier.objects.filter(
        status=DossierStatus.DRAFT,
        receipts__isnull=True,
        call__closes_at__lt=now - _days("RETENTION_DRAFT_DOSSIER_DAYS"),
    )


def _document_files(dossier_ids: list[int]) -> list[StoredFile]:
    files: list[StoredFile] = []
    for name, quarantined in DossierDocument.objects.filter(dossier__in=dossier_ids).values_list(
        "file", "quarantine_name"
    ):
        files += [("default", name)] if name else []
        files += [("quarantine", quarantined)] if quarantined else []
    return files


def _documents_delete(dossier_ids: list[int]) -> list[StoredFile]:
    files = _document_files(dossier_ids)
    DossierDocument.objects.filter(dossier__in=dossier_ids).delete()
    # Their field history names each file as uploaded: it goes with them.
    DossierDocument.history.filter(dossier_id__in=dossier_ids).delete()  # type: ignore[attr-defined]
    return files


@transaction.atomic
def dossiers_content_erase(*, dossiers: QuerySet[Dossier], now: datetime) -> list[StoredFile]:
    """Erase the files and typed content of these dossiers, keeping the rows."""
    ids = list(
        Dossier.objects.select_for_update()
        .filter(pk__in=dossiers.values("pk"))
        .values_list("pk", flat=True)
    )
    files = _documents_delete(ids)
    receipts = Receipt.objects.filter(dossier__in=ids)
    files += [("default", name) for name in receipts.exclude(pdf="").values_list("pdf", flat=True)]
    # The receipt keeps its number and date (the dossier was received); not the file names.
    receipts.update(pdf="", files=[])
    CollaborativeProject.objects.filter(dossier__in=ids).delete()
    blank = dict.fromkeys(TYPED_FIELDS, "")
    Dossier.objects.filter(pk__in=ids).update(
        **blank, participants_snapshot=[], content_erased_at=now
    )
    Dossier.history.filter(id__in=ids).update(**blank, participants_snapshot=[])  # type: ignore[attr-defined]
    return files


@transaction.atomic
def drafts_delete(*, dossiers: QuerySet[Dossier]) -> list[StoredFile]:
    ids = list(dossiers.values_list("pk", flat=True))
    files = _documents_delete(ids)
    Dossier.objects.filter(pk__in=ids).delete()
    # After the rows: deleting one writes a last history record holding every field.
    Dossier.history.filter(id__in=ids).delete()  # type: ignore[attr-defined]
    return files


def clusters_with_dossiers_in_progress() -> QuerySet[Cluster]:
    """Clusters with a dossier the ministry has not settled yet (results unpublished), or a
    draft on a call still open: their director and co-editors are still active."""
    return Cluster.objects.filter(
        dossiers__in=Dossier.objects.exclude(call__status=CallStatus.RESULTS_PUBLISHED).exclude(
            status=DossierStatus.WITHDRAWN
        )
    )


@transaction.atomic
def clusters_people_erase(*, clusters: QuerySet[Cluster]) -> int:
    """The names of people typed in a cluster's profile (president, director, board)."""
    return clusters.update(president_name="", director_name="", board="")
