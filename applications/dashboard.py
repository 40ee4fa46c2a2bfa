"""What directors and administrators see first when they sign in."""

from django.db.models import prefetch_related_objects

from .choices import DossierStatus
from .sections import task_list
from .selectors import (
    DOSSIER_PAGE_PREFETCHES,
    calls_for_administration,
    cluster_for_user,
    critical_mass,
    dossiers_visible_to,
    open_calls,
    published_calls,
)


def director_panel(request, **_page):
    cluster = cluster_for_user(request.user)
    dossiers = list(dossiers_visible_to(request.user).order_by("-call__closes_at"))
    # Progress is shown for drafts only: only they need what it counts.
    drafts = [dossier for dossier in dossiers if dossier.status == DossierStatus.DRAFT]
    prefetch_related_objects(drafts, *DOSSIER_PAGE_PREFETCHES)
    started = {dossier.call_id for dossier in dossiers}
    return {
        "cluster": cluster,
        "mass": critical_mass(cluster) if cluster else None,
        "dossiers": [
            (dossier, task_list(dossier)[1] if dossier in drafts else None) for dossier in dossiers
        ],
        "calls": [call for call in open_calls() if call.pk not in started],
    }


def administrator_panel(request, **_page):
    return {"calls": calls_for_administration()[:6]}


def home_panel(request, **_page):
    # An upcoming call appears here the moment it opens: its dates bound the visitor cache.
    return {"calls": list(open_calls()), "dated_calls": list(published_calls())}
