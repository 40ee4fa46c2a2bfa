from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from core.journal import register_actions

        from . import signals  # noqa: F401 -- connects the receivers

        register_actions(
            {
                "two_factor.enrol": _("Double authentification activée"),
                "two_factor.recovery_codes": _("Codes de secours régénérés"),
                "two_factor.disable": _("Double authentification désactivée"),
            }
        )
