"""Rebuild the precomputed layers of one project or of all: reach cells and indicator grids."""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from tonle.programs.models import Project
from tonle.results.cells import reach_rebuild
from tonle.results.grid import SOURCES, grid_rebuild


class Command(BaseCommand):
    help = "Rebuild the precomputed reach figures and indicator grids from SQL (safe at any time)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", help="project slug; all projects when left out")

    def handle(self, *args: object, project: str | None = None, **options: object) -> None:
        projects = Project.objects.all()
        if project:
            projects = projects.filter(slug=project)
        for each in projects:
            started = time.perf_counter()
            reach_rebuild(project=each)
            cells = each.reach_cells.count()
            grids = 0
            for indicator in each.indicators.all():
                if indicator.definition.get("measure") not in SOURCES:
                    continue
                try:
                    grid_rebuild(project=each, definition=indicator.definition)
                    grids += 1
                except ValidationError as broken:
                    self.stderr.write(f"{each.slug} {indicator.code}: {broken.messages}")
            self.stdout.write(
                f"{each.slug}: {cells} cells and {grids} indicator grids "
                f"in {time.perf_counter() - started:.2f} s"
            )
