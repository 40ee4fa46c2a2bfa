"""What directors and administrators see first when they sign in."""

from core.fragments import content_version, seconds_until_text_changes

from .models import (
    BudgetYear,
    Cluster,
    ClusterMember,
    CollaborativeProject,
    Dossier,
    DossierDocument,
    KpiTarget,
    Receipt,
    RequiredDocument,
)
from .sections import task_list
from .selectors import (
    calls_for_administration,
    cluster_for_user,
    clusters_edited_by,
    critical_mass,
    dossier_for_page,
    dossiers_visible_to,
    open_calls,
    published_calls,
)


def director_panel(request, **_page):
    cluster = cluster_for_user(request.user)
    dossiers = list(
        dossier_for_page(dossiers_visible_to(request.user)).order_by("-call__closes_at")
    )
    started = {dossier.call_id for dossier in dossiers}
    return {
        "cluster": cluster,
        "mass": critical_mass(cluster) if cluster else None,
        "dossiers": [(dossier, task_list(dossier)[1]) for dossier in dossiers],
        "calls": [call for call in open_calls() if call.pk not in started],
    }


def director_panel_version(request, **_page):
    """A digest of every row the director's panel shows (the cluster, its members, its
    dossiers and all that their progress counts, the calls), and until when the calls' dates
    and countdowns stay as shown."""
    # The ids first: matched as a list, every table below is read through its index.
    cluster_ids = list(clusters_edited_by(request.user).values_list("pk", flat=True))
    clusters = Cluster.objects.filter(pk__in=cluster_ids)
    dossiers = Dossier.objects.filter(cluster__in=cluster_ids)
    calls = published_calls()
    stamped = ("pk", "updated_at")
    version = content_version(
        clusters.values(*stamped),
        ClusterMember.objects.filter(cluster__in=cluster_ids).values("pk", "member_type"),
        dossiers.values(*stamped),
        DossierDocument.objects.filter(dossier__in=dossiers).values(
            "pk", "requirement", "scan_status"
        ),
        BudgetYear.objects.filter(dossier__in=dossiers).values("pk", "year"),
        KpiTarget.objects.filter(dossier__in=dossiers).values("pk"),
        CollaborativeProject.objects.filter(dossier__in=dossiers).values("pk"),
        Dossier.participating_members.through.objects.filter(dossier__in=dossiers).values("pk"),
        Receipt.objects.filter(dossier__in=dossiers).values("pk"),
        calls.values(*stamped),
        RequiredDocument.objects.filter(call__in=calls).values(),
    )
    dates = list(calls.values_list("opens_at", "closes_at"))
    seconds = seconds_until_text_changes(
        passing=[opens for opens, _closes in dates], counting=[closes for _opens, closes in dates]
    )
    return version, seconds


def administrator_panel(request, **_page):
    return {"calls": calls_for_administration()[:6]}


def home_panel(request, **_page):
    # An upcoming call appears here the moment it opens: its dates bound the visitor cache.
    return {"calls": list(open_calls()), "dated_calls": list(published_calls())}
