"""Export a project's results framework to YAML or JSON, or import one (create or update by code)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tonle.programs.models import Project
from tonle.results.services import framework_export, framework_import


class Command(BaseCommand):
    help = "framework export --project SLUG [--format yaml|json] | framework import --project SLUG FILE"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export", "import"])
        parser.add_argument("file", nargs="?", help="the file to import (.yaml, .yml or .json)")
        parser.add_argument("--project", required=True, help="project slug")
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")

    def handle(self, *args: object, **options: object) -> None:
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"No project has the slug {options['project']!r}.")
        if options["action"] == "export":
            rows = framework_export(project=project)
            if options["format"] == "json":
                self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            else:
                self.stdout.write(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False))
            return
        if not options["file"]:
            raise CommandError("Name the file to import.")
        path = Path(str(options["file"]))
        try:
            text = path.read_text(encoding="utf-8")
            rows = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        except (OSError, ValueError, yaml.YAMLError) as broken:
            raise CommandError(f"{path}: {broken}") from broken
        if not isinstance(rows, list):
            raise CommandError(f"{path}: a framework is a list of indicators.")
        try:
            saved = framework_import(project=project, rows=rows)
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from refused
        self.stdout.write(f"{len(saved)} indicators imported into {project.slug}.")
