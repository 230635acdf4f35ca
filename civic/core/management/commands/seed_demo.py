import importlib

from django.apps import apps
from django.core.management.base import BaseCommand

from civic.core import demo


class Command(BaseCommand):
    help = "Load demo content (idempotent): the kernel's, then each feature app's <app>.demo.seed()."

    def handle(self, *args, **options):
        self.stdout.write("Seeding demo content…")
        demo.seed(self.stdout)
        for config in apps.get_app_configs():
            if config.name.startswith(("civic.", "django", "allauth", "axes", "rules")):
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name == f"{config.name}.demo":
                    continue
                raise
            module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
