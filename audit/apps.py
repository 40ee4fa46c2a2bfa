from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Piste d'audit")

    def ready(self):
        from core.journal import register_actions

        from . import checks  # noqa: F401 -- registers the retention settings' check

        register_actions(
            {
                "retention.apply": _("Politique de conservation des données appliquée"),
                "account.anonymise": _("Compte anonymisé à la demande de la personne"),
            }
        )
