"""Render a report to a file from the command line: PDF, the standalone HTML, or XLSX."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tonle.reports.models import ReportTemplate
from tonle.reports.rendering import report_render
from tonle.reports.services import report_html, report_pdf, report_xlsx


class Command(BaseCommand):
    help = "Render a project's report (figures computed now) to a PDF, HTML or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", required=True, help="project slug")
        parser.add_argument("--template", required=True, help="report slug")
        parser.add_argument("--lang", choices=["en", "km"], default="en")
        parser.add_argument("--format", choices=["pdf", "html", "xlsx"], default="pdf")
        parser.add_argument("--out", required=True, help="the file to write")

    def handle(self, *args: object, **options: str) -> None:
        template = ReportTemplate.objects.filter(
            project__slug=options["project"], slug=options["template"]
        ).first()
        if template is None:
            raise CommandError(
                f"No report “{options['template']}” in project “{options['project']}”."
            )
        started = time.perf_counter()
        report = report_render(template=template, language=options["lang"], names=False)
        for section, problem in report.problems:
            self.stderr.write(f"{section}: {problem}")
        out = Path(options["out"])
        if options["format"] == "pdf":
            out.write_bytes(report_pdf(report=report))
        elif options["format"] == "html":
            out.write_text(report_html(report=report), encoding="utf-8")
        else:
            out.write_bytes(report_xlsx(report=report))
        self.stdout.write(
            f"{out}: {out.stat().st_size:,} bytes in {time.perf_counter() - started:.1f} s"
        )
