from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from . import journal_actions, signals  # noqa: F401 -- signals connects the receivers

        journal_actions.register()
