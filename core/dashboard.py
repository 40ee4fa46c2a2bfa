"""Pages made of panels that each app contributes: the home page and the signed-in space.

Apps register their panels at start-up, so this module depends on none of them.
"""

from dataclasses import dataclass

# The pages that show panels: each app registers its panels on them by these names.
HOME = "home"
DASHBOARD = "dashboard"
CALL_DETAIL = "call_detail"
DOSSIER_DETAIL = "dossier_detail"
BACKOFFICE_CALL = "backoffice_call"
EVALUATION_WORKSPACE = "evaluation_workspace"
CONTRACT_DETAIL = "contract_detail"


@dataclass(frozen=True)
class Panel:
    page: str
    roles: tuple | None  # None: shown to everyone, visitors included
    template: str
    context: object  # callable(request, **page_objects) -> dict, or None to show nothing
    order: int = 100


_PANELS = []


def register_panel(*, template, context, page=DASHBOARD, roles=None, order=100):
    roles = tuple(roles) if roles else None
    _PANELS.append(Panel(page, roles, template, context, order))


def panels_for(request, page=DASHBOARD, **page_objects):
    """[(template, context)] of the panels of a page; `page_objects` (the call, the dossier…)
    are handed to each panel's context function."""
    role = getattr(request.user, "role", None)
    panels = []
    for panel in sorted(_PANELS, key=lambda panel: panel.order):
        if panel.page != page or (panel.roles is not None and role not in panel.roles):
            continue
        context = panel.context(request, **page_objects)
        if context is not None:
            panels.append((panel.template, context))
    return panels
