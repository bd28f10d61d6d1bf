"""Rebuild the reach cells of one project or of all, from the attendances."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from tonle.programs.models import Project
from tonle.results.cells import reach_rebuild


class Command(BaseCommand):
    help = "Rebuild the precomputed reach figures from SQL (safe at any time)."

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
            self.stdout.write(
                f"{each.slug}: {cells} cells in {time.perf_counter() - started:.2f} s"
            )
