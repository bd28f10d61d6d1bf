"""Replace today's database and uploaded files with those of a backup archive."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tonle.lib.backup import BackupError, backup_restore, backups_dir

NEEDS_YES = (
    "A restore replaces all of today's data and uploaded files with those of the backup. "
    "Stop Tonle (web server and worker), then run it again with --yes."
)


class Command(BaseCommand):
    help = (
        "Replace the whole database and every uploaded file with those of a backup made by "
        "`manage.py backup`. The archive is checked whole before anything is touched, then "
        "today's data is backed up into var/backups/. Stop Tonle while it runs."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("archive", type=Path, help="the .tar.gz written by `manage.py backup`")
        parser.add_argument(
            "--yes", action="store_true", help="yes, replace today's data with the backup's"
        )
        parser.add_argument(
            "--no-copy-of-today",
            action="store_true",
            help="do not back up today's data first (when it cannot be read any more)",
        )

    def handle(
        self, *args: object, archive: Path, yes: bool, no_copy_of_today: bool, **options: object
    ) -> None:
        if not yes:
            raise CommandError(NEEDS_YES)
        try:
            restored = backup_restore(
                from_=archive, keep_today_in=None if no_copy_of_today else backups_dir()
            )
        except BackupError as refused:
            raise CommandError(str(refused)) from refused
        if restored.today:
            self.stdout.write(f"Today's data was backed up first, to {restored.today}.")
        made = restored.manifest
        rows = sum(made["tables"].values())
        self.stdout.write(
            f"Restored {archive.name}, made {made['created_at']} on {made['vendor']}: "
            f"{len(made['tables'])} tables, {rows:,} rows, {restored.files:,} uploaded files."
        )
        for table, (expected, found) in restored.differences.items():
            self.stderr.write(f"{table}: {found} rows where the backup counted {expected}.")
        self.stdout.write("Run `manage.py migrate` if this backup was made by an older Tonle.")
