"""What the applications add to pages made of panels (core.dashboard)."""

from accounts.models import Role
from core.dashboard import DASHBOARD, DOSSIER_DETAIL, HOME, register_panel

from . import dashboard
from .views.requests import request_panel


def register():
    register_panel(
        page=DASHBOARD,
        roles=[Role.DIRECTOR],
        template="applications/dashboard/director.html",
        context=dashboard.director_panel,
        order=10,
    )
    register_panel(
        page=DOSSIER_DETAIL,
        roles=[Role.DIRECTOR],
        template="applications/requests/_panel.html",
        context=request_panel,
        order=10,
    )
    register_panel(
        page=HOME,
        template="applications/dashboard/home_calls.html",
        context=dashboard.home_panel,
    )
    register_panel(
        page=DASHBOARD,
        roles=[Role.ADMINISTRATOR],
        template="applications/dashboard/administrator.html",
        context=dashboard.administrator_panel,
        order=10,
    )
