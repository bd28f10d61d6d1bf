"""Rebuild the grids behind the figures of one project or of all, from SQL."""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from tonle.programs.models import Project
from tonle.results.grid import grid_rebuild
from tonle.results.services import grid_definitions


class Command(BaseCommand):
    help = "Rebuild the grids of the dashboard's reach and of every indicator from SQL (safe at any time)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", help="project slug; all projects when left out")

    def handle(self, *args: object, project: str | None = None, **options: object) -> None:
        projects = Project.objects.all()
        if project:
            projects = projects.filter(slug=project)
        for each in projects:
            started = time.perf_counter()
            grids = cells = 0
            for definition in grid_definitions(project=each):
                try:
                    grid = grid_rebuild(project=each, definition=definition)
                except ValidationError as broken:
                    self.stderr.write(f"{each.slug} {definition}: {broken.messages}")
                    continue
                grids += 1
                cells += len(grid.bitmaps)
            self.stdout.write(
                f"{each.slug}: {grids} grids of {cells} cells in {time.perf_counter() - started:.2f} s"
            )
