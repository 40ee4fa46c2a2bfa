"""Reads that join or filter by permission; each returns what its page needs in few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.translation import FRENCH

from .choices import COMPANY_TYPES, MemberType, ScanStatus
from .models import (
    BudgetYear,
    Call,
    CallStatus,
    Cluster,
    ClusterMember,
    CollaborativeProject,
    DocumentRequest,
    Dossier,
    DossierDocument,
    DossierStatus,
    KpiTarget,
    Receipt,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Manager, QuerySet

    from accounts.models import User


def published_calls() -> QuerySet[Call]:
    return Call.objects.exclude(status=CallStatus.DRAFT).order_by("-closes_at")


def open_calls(now: datetime | None = None) -> QuerySet[Call]:
    now = now or timezone.now()
    return published_calls().filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at")


def calls_for_administration() -> QuerySet[Call]:
    return Call.objects.annotate(
        dossier_count=Count("dossiers", distinct=True),
        submitted_count=Count(
            "dossiers", filter=Q(dossiers__status=DossierStatus.SUBMITTED), distinct=True
        ),
    ).order_by("-closes_at")


def edited_cluster_ids(user: User) -> list[int]:
    """The ids of the clusters a director owns or co-edits, read once per user object, that
    is once per request for the person signed in: their space filters their cluster, dossiers
    and contracts by them, and a list of ids is cheaper to build into each query than a
    subquery (about 1 ms each). Like Django's permission cache on the user, it is not renewed
    within the request that changes who edits what.

    A UNION of two index reads: an OR of the two conditions made PostgreSQL expect half of
    all clusters and scan every dossier or contract (1.8 ms against 0.2 ms at 1,000 dossiers).
    """
    ids = getattr(user, "_edited_cluster_ids", None)
    if ids is None:
        owned = Cluster.objects.filter(owner=user).order_by().values_list("pk", flat=True)
        co_edited = Cluster.co_editors.through.objects.filter(user=user).values_list(
            "cluster_id", flat=True
        )
        # A cache on the user object, which the model does not declare.
        ids = user._edited_cluster_ids = sorted(  # type: ignore[attr-defined]
            set(owned.union(co_edited, all=True))
        )
    return ids


def cluster_for_user(user: User | AnonymousUser) -> Cluster | None:
    """The cluster a director owns or co-edits, or None."""
    if not user.is_authenticated:
        return None
    ids = edited_cluster_ids(user)
    if not ids:
        return None
    return Cluster.objects.filter(pk=ids[0]).select_related("owner").first()


def cluster_card_for(user: User | AnonymousUser) -> Cluster | None:
    """The director's cluster as their space shows it (its name), or None."""
    ids = edited_cluster_ids(user) if user.is_authenticated else []
    return Cluster.objects.filter(pk=ids[0]).only("name", "acronym").first() if ids else None


def cluster_editors(cluster: Cluster) -> list[User]:
    """The director and the co-editors: the people to tell about the cluster's dossiers.
    Prefetch `co_editors` when calling this in a loop."""
    return [cluster.owner, *cluster.co_editors.all()]


def critical_mass(cluster: Cluster) -> dict[str, Any]:
    """Members by type and the share of companies, counted in one query."""
    counts = {
        row["member_type"]: row["n"]
        for row in cluster.members.values("member_type").annotate(n=Count("pk"))
    }
    total = sum(counts.values())
    companies = sum(counts.get(kind, 0) for kind in COMPANY_TYPES)
    share = round(100 * companies / total, 1) if total else 0
    by_type = [(kind, label, counts.get(kind, 0)) for kind, label in MemberType.choices]
    return {"total": total, "companies": companies, "company_share": share, "by_type": by_type}


def critical_masses(cluster_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """{cluster id: critical mass} as `critical_mass` gives it, for many clusters in one
    query."""
    cluster_ids = set(cluster_ids)
    counts: defaultdict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        ClusterMember.objects.filter(cluster_id__in=cluster_ids)
        .order_by()
        .values("cluster_id", "member_type")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts[row["cluster_id"]][row["member_type"]] = row["n"]
    masses = {}
    for cluster_id in cluster_ids:
        by_kind = counts[cluster_id]
        total = sum(by_kind.values())
        companies = sum(by_kind.get(kind, 0) for kind in COMPANY_TYPES)
        masses[cluster_id] = {
            "total": total,
            "companies": companies,
            "company_share": round(100 * companies / total, 1) if total else 0,
            "by_type": [(kind, label, by_kind.get(kind, 0)) for kind, label in MemberType.choices],
        }
    return masses


def submitted_mass(snapshot: list[dict[str, Any]]) -> dict[str, Any]:
    """The critical mass of the participants frozen at submission."""
    kinds = [member["member_type"] for member in snapshot]
    companies = sum(1 for kind in kinds if kind in COMPANY_TYPES)
    total = len(kinds)
    return {
        "total": total,
        "companies": companies,
        "company_share": round(100 * companies / total, 1) if total else 0,
        "by_type": [(kind, label, kinds.count(kind)) for kind, label in MemberType.choices],
    }


def dossiers_visible_to(user: User | AnonymousUser) -> QuerySet[Dossier]:
    dossiers = Dossier.objects.select_related("call", "cluster")
    if not user.is_authenticated:
        return dossiers.none()
    if user.is_administrator:
        return dossiers.exclude(status=DossierStatus.DRAFT)
    if user.is_director:
        return dossiers.filter(cluster_id__in=edited_cluster_ids(user))
    return dossiers.none()


# All that a dossier's pages show and its progress counts, beyond its call and cluster.
DOSSIER_PAGE_PREFETCHES = (
    "documents__requirement",
    "call__required_documents",
    "projects",
    "budget_years",
    "kpi_targets",
    "participating_members",
    "receipts",
)


# What a dossier's completeness and its summary read (check-your-answers, the submission's
# checks and receipt): each file with its requirement in one query; no receipts.
DOSSIER_CHECK_PREFETCHES = (
    Prefetch("documents", queryset=DossierDocument.objects.select_related("requirement")),
    "call__required_documents",
    "projects",
    "budget_years",
    "kpi_targets",
    "participating_members",
)


def dossier_for_check(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The check-your-answers page: the whole dossier, to show and to tell what is missing."""
    return queryset.select_related("call", "cluster", "cluster__owner").prefetch_related(
        *DOSSIER_CHECK_PREFETCHES
    )


def dossier_for_page(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Everything the dossier pages show, loaded in a fixed number of queries."""
    return queryset.select_related("call", "cluster", "cluster__owner").prefetch_related(
        *DOSSIER_PAGE_PREFETCHES
    )


def _rows_of(queryset: Manager[Any] | QuerySet[Any]) -> Coalesce:
    """How many rows of `queryset` point at the outer dossier, as a subquery (0 for none)."""
    counted = queryset.filter(dossier=OuterRef("pk")).values("dossier").annotate(rows=Count("*"))
    return Coalesce(Subquery(counted.values("rows"), output_field=IntegerField()), 0)


# What the task list counts, read with the dossier (`sections.counted`). Built once: making
# these four subqueries anew took longer than running them.
TASK_LIST_COUNTS = {
    "budget_years_count": _rows_of(BudgetYear.objects),
    "kpi_targets_count": _rows_of(KpiTarget.objects),
    "participating_members_count": _rows_of(Dossier.participating_members.through.objects),
    "projects_count": _rows_of(CollaborativeProject.objects),
}


def dossier_for_task_list(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """What the dossier's own page shows: its task list needs only how many budget years,
    indicator targets, members and projects each section holds, read with the dossier in
    one query instead of four queries of rows; its files and its receipts."""
    return (
        queryset.select_related("call", "cluster", "cluster__owner")
        .annotate(**TASK_LIST_COUNTS)
        .prefetch_related(
            Prefetch("documents", queryset=DossierDocument.objects.select_related("requirement")),
            "call__required_documents",
            "receipts",
        )
    )


def with_task_list_counts(drafts: Sequence[Dossier]) -> None:
    """Give drafts already read what their task list needs, in three queries whatever their
    number: the counts of their rows (`sections.counted`), their files' requirement and scan
    status, and their call's required documents."""
    if not drafts:
        return
    counts = Dossier.objects.filter(pk__in=[draft.pk for draft in drafts]).values(
        "pk", **TASK_LIST_COUNTS
    )
    by_pk = {row.pop("pk"): row for row in counts}
    for draft in drafts:
        for name, value in by_pk[draft.pk].items():
            setattr(draft, name, value)
    files = DossierDocument.objects.only("dossier", "requirement", "scan_status")
    prefetch_related_objects(
        drafts, Prefetch("documents", queryset=files), "call__required_documents"
    )


# What each kind of section page shows of its dossier, beyond the call and the cluster.
SECTION_PREFETCHES = {
    "documents": ("documents__requirement", "call__required_documents"),
    "members": ("participating_members",),
    "budget": ("budget_years",),
    "kpis": ("kpi_targets",),
    "innovation": ("projects",),
}


def dossier_for_section(queryset: QuerySet[Dossier], kind: str) -> QuerySet[Dossier]:
    """What one section page shows: its own rows, not those of every other section (the
    page most requested while a dossier is filled in)."""
    return queryset.select_related("call", "cluster", "cluster__owner").prefetch_related(
        *SECTION_PREFETCHES.get(kind, ())
    )


def deposited_dossiers(call: Call) -> QuerySet[Dossier]:
    """The dossiers the ministry may read for a call: submitted or withdrawn, never drafts."""
    return (
        call.dossiers.exclude(status=DossierStatus.DRAFT)
        .select_related("cluster")
        .order_by("submitted_at", "reference")
    )


def latest_request(dossier: Dossier) -> DocumentRequest | None:
    """The dossier's most recent request for documents, with its items, or None."""
    return (
        DocumentRequest.objects.filter(dossier=dossier)
        .prefetch_related("requirements")
        .order_by("-created_at", "-pk")
        .first()
    )


def documents_given_since(request: DocumentRequest, dossier: Dossier) -> list[DossierDocument]:
    """The dossier's documents for the requested items uploaded since the request was made."""
    asked = {requirement.pk for requirement in request.requirements.all()}
    return [
        document
        for document in dossier.documents.all()
        if document.requirement_id in asked and document.uploaded_at >= request.created_at
    ]


def provided_since(request: DocumentRequest, dossier: Dossier) -> dict[int, DossierDocument]:
    """{requirement id: document} of the requested items given since the request was made,
    once the antivirus found them clean."""
    return {
        document.requirement_id: document
        for document in documents_given_since(request, dossier)
        if document.scan_status == ScanStatus.CLEAN
    }


# Files still waiting for the antivirus's verdict.
SCAN_WAITING = (ScanStatus.PENDING, ScanStatus.ERROR)
# A file still waiting after this long lost its task (or used up its retries): ask again.
SCAN_STALE_AFTER = timedelta(minutes=15)


def documents_waiting_too_long(now: datetime | None = None) -> list[tuple[int, str]]:
    """(id, file name) of the files whose verdict is overdue, for the periodic re-scan."""
    now = now or timezone.now()
    return list(
        DossierDocument.objects.filter(
            scan_status__in=SCAN_WAITING, uploaded_at__lt=now - SCAN_STALE_AFTER
        ).values_list("pk", "file")
    )


def translation_gaps(call: Call) -> dict[str, list[tuple[str, str]]]:
    """For Arabic and English, the call's texts still missing (readers then see the French),
    as (what, name): its title and presentation, each required document (by its French name)
    whose name or guidance lacks the language."""
    documents = list(call.required_documents.order_by("part", "position", "pk"))
    gaps: dict[str, list[tuple[str, str]]] = {}
    for code in ("ar", "en"):
        missing = [
            (str(capfirst(getattr(Call._meta.get_field(name), "verbose_name", name))), "")
            for name in ("title", "description")
            if not getattr(call, f"{name}_{code}")
        ]
        for document in documents:
            french = {
                name: getattr(document, f"{name}_{FRENCH}") for name in ("label", "help_text")
            }
            if not getattr(document, f"label_{code}") or (
                french["help_text"] and not getattr(document, f"help_text_{code}")
            ):
                missing.append((_("pièce"), french["label"]))
        gaps[code] = missing
    return gaps


def receipts_awaiting_pdf() -> QuerySet[Receipt]:
    """Receipts whose PDF is still to be made. A dossier erased by the retention policy keeps
    its receipt's number and date but not its PDF: that one is not waiting for anything."""
    return Receipt.objects.filter(pdf="", dossier__content_erased_at__isnull=True)
