from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Socle commun")

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created

        from . import tables

        # Every statement is watched, so that cached pages follow every write (core.tables).
        connection_created.connect(tables.install, dispatch_uid="core.tables.install")
        for connection in connections.all(initialized_only=True):
            tables.install(connection)
