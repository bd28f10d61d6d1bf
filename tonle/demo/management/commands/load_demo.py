"""Load the CCDO demo project (and the gazetteer it needs); a second run changes nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tonle.demo.services import DEMO_USERS, demo_load
from tonle.geo.models import Village
from tonle.geo.services import gazetteer_load


class Command(BaseCommand):
    help = "Load the demo data: CCDO's 2022-2023 project in six communities of Siem Reap."

    def handle(self, *args: object, **options: object) -> None:
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
