from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo data (idempotent: a second run changes nothing)."

    @transaction.atomic
    def handle(self, *args, **options):
        # Each app seeds its own part in `<app>/demo.py`, in INSTALLED_APPS order, so that
        # later apps can build on the data of earlier ones.
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(f"{config.verbose_name}:"))
            import_module(module_name).seed(self.stdout)
