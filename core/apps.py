from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Socle commun")

    def ready(self):
        from . import logging

        logging.connect_signals()

        # Counts the tasks that fail or are retried, in whichever process runs them.
        from . import metrics  # noqa: F401
