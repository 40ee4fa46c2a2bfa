"""What directors and administrators see first when they sign in."""

from .models import DossierStatus
from .sections import task_list
from .selectors import (
    calls_for_administration,
    cluster_card_for,
    critical_mass,
    dossiers_visible_to,
    open_calls,
    published_calls,
    with_task_list_counts,
)

# What the director's space shows of an open call they have not started.
OPEN_CALL_FIELDS = ("reference", "title", "opens_at", "closes_at", "status")


def director_panel(request, **_page):
    cluster = cluster_card_for(request.user)
    dossiers = list(dossiers_visible_to(request.user).order_by("-call__closes_at"))
    # Progress is shown for drafts only: only they need what it counts.
    drafts = [dossier for dossier in dossiers if dossier.status == DossierStatus.DRAFT]
    with_task_list_counts(drafts)
    started = {dossier.call_id for dossier in dossiers}
    return {
        "cluster": cluster,
        "mass": critical_mass(cluster) if cluster else None,
        "dossiers": [
            (dossier, task_list(dossier)[1] if dossier in drafts else None) for dossier in dossiers
        ],
        "calls": [call for call in open_calls().only(*OPEN_CALL_FIELDS) if call.pk not in started],
    }


def administrator_panel(request, **_page):
    return {"calls": calls_for_administration()[:6]}


def home_panel(request, **_page):
    # An upcoming call appears here the moment it opens: its dates bound the visitor cache.
    return {"calls": list(open_calls()), "dated_calls": list(published_calls())}
