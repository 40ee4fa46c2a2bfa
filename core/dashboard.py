"""Pages made of panels that each app contributes: the home page and the signed-in space.

Apps register their panels at start-up, so this module depends on none of them.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .fragments import csrf_key

HOME = "home"
DASHBOARD = "dashboard"


@dataclass(frozen=True)
class Panel:
    page: str
    roles: tuple | None  # None: shown to everyone, visitors included
    template: str
    context: object  # callable(request, **page_objects) -> dict, or None to show nothing
    order: int = 100
    # callable(request, **page_objects) -> (version of what the panel shows, seconds it stays
    # true): the panel is then cached per person under that version; None: never cached.
    version: object = None


_PANELS = []
CACHED_PANEL = "partials/cached_panel.html"


def register_panel(*, template, context, page=DASHBOARD, roles=None, order=100, version=None):
    roles = tuple(roles) if roles else None
    _PANELS.append(Panel(page, roles, template, context, order, version))


def _cached(panel, request, page_objects):
    """The panel's HTML, from the cache when its version is unchanged ("" when it shows
    nothing), rendered on its own with the request's context otherwise."""
    version, seconds = panel.version(request, **page_objects)
    parts = [panel.template, request.user.pk, get_language(), csrf_key(request), version]
    key = "panel:" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:40]
    html = cache.get(key)
    if html is None:
        context = panel.context(request, **page_objects)
        html = (
            "" if context is None else render_to_string(panel.template, {"panel": context}, request)
        )
        if seconds > 0:
            cache.set(key, html, seconds)
    # Our own template's output, escaped as it was rendered.
    return (CACHED_PANEL, {"html": mark_safe(html)}) if html else None  # noqa: S308  # nosec B308 B703


def panels_for(request, page=DASHBOARD, **page_objects):
    """[(template, context)] of the panels of a page; `page_objects` (the call, the dossier…)
    are handed to each panel's context function."""
    role = getattr(request.user, "role", None)
    panels = []
    for panel in sorted(_PANELS, key=lambda panel: panel.order):
        if panel.page != page or (panel.roles is not None and role not in panel.roles):
            continue
        if panel.version is not None:
            shown = _cached(panel, request, page_objects)
            if shown is not None:
                panels.append(shown)
            continue
        context = panel.context(request, **page_objects)
        if context is not None:
            panels.append((panel.template, context))
    return panels
