"""Build the .mo files from locale/*/LC_MESSAGES/*.po in pure Python.

Django's own compilemessages needs GNU gettext's msgfmt; running the site must not. Fuzzy and
empty entries are left out, as msgfmt does, so they fall back to the English source.
"""

from __future__ import annotations

import os
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def po_files() -> list[Path]:
    return sorted(path for root in settings.LOCALE_PATHS for path in Path(root).glob("*/LC_MESSAGES/*.po"))


def translations_compile(*, force: bool = False) -> list[Path]:
    """Write each .po's .mo when missing or older than the .po; return the files written."""
    written = []
    for po_path in po_files():
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            catalog = polib.pofile(str(po_path), check_for_duplicates=True)
        except (OSError, ValueError) as error:
            raise CommandError(f"{po_path}: {error}") from error
        # Written aside and renamed: parallel test workers may compile and read at the same time.
        partial = mo_path.with_name(f".{mo_path.name}.{os.getpid()}")
        partial.write_bytes(catalog.to_binary())
        os.replace(partial, mo_path)
        written.append(mo_path)
    return written


class Command(BaseCommand):
    help = "Compile the site's translations (.po → .mo) without GNU gettext. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rebuild every .mo, even if up to date.")

    def handle(self, *args, force: bool = False, **options):
        written = translations_compile(force=force)
        for path in written:
            self.stdout.write(f"compiled {path}")
        self.stdout.write(self.style.SUCCESS(f"Translations are up to date ({len(po_files())} catalogs)."))
