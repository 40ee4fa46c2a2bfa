from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Appels à projets et dossiers")

    def ready(self):
        from . import journal_actions, panels

        panels.register()
        journal_actions.register()
