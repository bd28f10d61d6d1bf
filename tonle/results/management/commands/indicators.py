"""Print every indicator of a project's framework: value, target and splits, as JSON or CSV."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tonle.lib.spreadsheets import csv_write
from tonle.programs.models import Project
from tonle.results.framework import (
    CSV_HEADER,
    framework_figures,
    framework_records,
    framework_table,
)


def _month(text: str, *, end: bool) -> dt.date:
    year, month = (int(part) for part in text.split("-"))
    first = dt.date(year, month, 1)
    if not end:
        return first
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


class Command(BaseCommand):
    help = "Print the results framework's figures for a period (the numbers the dashboard shows)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", required=True, help="project slug")
        parser.add_argument(
            "--period", help="YYYY-MM:YYYY-MM; the project's whole period when left out"
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--no-splits", action="store_true", help="totals only")

    def handle(self, *args: object, **options: object) -> None:
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"No project has the slug {options['project']!r}.")
        start, end = project.starts_on, project.ends_on
        if options["period"]:
            try:
                first, last = str(options["period"]).split(":")
                start, end = _month(first, end=False), _month(last, end=True)
            except ValueError as bad:
                raise CommandError("--period is YYYY-MM:YYYY-MM, e.g. 2022-01:2023-12") from bad
        figures = framework_figures(
            project=project, start=start, end=end, split=not options["no_splits"]
        )
        rows = framework_records(figures)
        if options["format"] == "json":
            period = {"from": start.isoformat(), "to": end.isoformat()}
            self.stdout.write(json.dumps({"project": project.slug, "period": period, "indicators": rows},
                                         ensure_ascii=False, indent=2))  # fmt: skip
            return
        csv_write(
            self.stdout, headers=CSV_HEADER, rows=framework_table(figures), lineterminator="\n"
        )
