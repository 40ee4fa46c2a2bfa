"""Pages made of panels that each app contributes: the home page and the signed-in space.

Apps register their panels at start-up, so this module depends on none of them.
"""

from dataclasses import dataclass

HOME = "home"
DASHBOARD = "dashboard"


@dataclass(frozen=True)
class Panel:
    page: str
    roles: tuple | None  # None: shown to everyone, visitors included
    template: str
    context: object  # callable(request) -> dict
    order: int = 100


_PANELS = []


def register_panel(*, template, context, page=DASHBOARD, roles=None, order=100):
    _PANELS.append(Panel(page, tuple(roles) if roles else None, template, context, order))


def panels_for(request, page=DASHBOARD):
    role = getattr(request.user, "role", None)
    return [
        (panel.template, panel.context(request))
        for panel in sorted(_PANELS, key=lambda panel: panel.order)
        if panel.page == page and (panel.roles is None or role in panel.roles)
    ]
