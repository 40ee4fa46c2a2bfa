"""What directors and administrators see first when they sign in."""

from .sections import task_list
from .selectors import (
    calls_for_administration,
    cluster_for_user,
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


def administrator_panel(request, **_page):
    return {"calls": calls_for_administration()[:6]}


def home_panel(request, **_page):
    # An upcoming call appears here the moment it opens: its dates bound the visitor cache.
    return {"calls": list(open_calls()), "dated_calls": list(published_calls())}
