"""Back up the database and the uploaded files into one archive (safe while Tonle runs)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tonle.lib.backup import BackupError, backup_make, backups_dir


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) of the whole database and every uploaded file, named "
        "with the time, into var/backups/ or the folder given. Safe while Tonle runs."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--to", type=Path, help="folder to write into (default var/backups/)")

    def handle(self, *args: object, to: Path | None, **options: object) -> None:
        try:
            archive = backup_make(to=to or backups_dir())
        except BackupError as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(f"Backed up to {archive} ({archive.stat().st_size:,} bytes).")
