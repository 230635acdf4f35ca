"""Compile every ``.po`` catalogue to ``.mo`` with polib, so no GNU gettext is needed to run."""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogue_paths() -> list[Path]:
    roots = [Path(p) for p in settings.LOCALE_PATHS]
    roots += [Path(c.path) / "locale" for c in apps.get_app_configs() if not c.path.count("site-packages")]
    return sorted({po for root in roots if root.is_dir() for po in root.glob("*/LC_MESSAGES/*.po")})


class Command(BaseCommand):
    help = "Compile .po catalogues to .mo (pure Python, polib)."

    def handle(self, *args, **options):
        count = 0
        for po_path in catalogue_paths():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        if count:
            self.stdout.write(f"compiled {count} catalogue(s)")
