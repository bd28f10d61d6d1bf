"""Load the CCDO demo project (and the gazetteer it needs), only into an empty database."""

from __future__ import annotations

from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from tonle.demo.selectors import database_holds_data
from tonle.demo.services import DEMO_USERS, demo_load
from tonle.geo.models import Village
from tonle.geo.services import gazetteer_load

NOT_LOADED = "The database already holds data: the demo was not loaded."


class Command(BaseCommand):
    help = (
        "Load the demo data: CCDO's 2022-2023 project in six communities of Siem Reap, with "
        "demo accounts whose passwords are public. Only into an empty database (no account, "
        "person or project), so a real database never gets them."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--if-empty",
            action="store_true",
            help="On a database that holds data, say so and load nothing (what `make run` does).",
        )
        mode.add_argument(
            "--force",
            action="store_true",
            help="Load what is missing of the demo whatever the database holds; a second run "
            "changes nothing, but a deleted demo account comes back.",
        )

    def handle(self, *args: object, if_empty: bool, force: bool, **options: object) -> None:
        if not force and database_holds_data():
            if if_empty:
                self.stdout.write(NOT_LOADED)
                return
            raise CommandError(f"{NOT_LOADED} Use --force to load it anyway.")
        if not Village.objects.exists():
            gazetteer_load()
        summary = demo_load()
        verb = "Loaded" if summary.created else "Already loaded, unchanged"
        self.stdout.write(
            f"{verb}: {summary.participants:,} women and girls, {summary.activities:,} activities, "
            f"{summary.attendances:,} attendances, {summary.smart_women} Smart Women; "
            f"{summary.coached:,} coached or mentored, {summary.served:,} helped to services, "
            f"{summary.leaders} in leadership roles."
        )
        if summary.created:
            accounts = ", ".join(f"{name} / {password}" for name, password, *_rest in DEMO_USERS)
            self.stdout.write(f"Demo accounts: {accounts}")
