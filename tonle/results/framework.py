"""Reads of the results framework: every indicator's figure, target and splits for a period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from tonle.lib.memo import remembered
from tonle.programs.models import Project
from tonle.results.grid import figure_and_splits, figure_ids
from tonle.results.indicators import definition_check, dimensions_of
from tonle.results.labels import split_order
from tonle.results.models import Indicator, PeriodLock


@dataclass
class IndicatorFigures:
    indicator: Indicator
    value: Decimal | int | None = None
    target: Decimal | None = None
    splits: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str = ""
    suppressed: bool = False  # too small to show to those who see no names
    frozen: dict[str, Any] | None = None  # the figure as reported when its period was locked
    tables: list[dict[str, Any]] = field(default_factory=list)
    trend: list[tuple[str, Any, int]] = field(default_factory=list)  # the quarters, as a chart

    @property
    def progress(self) -> float | None:
        """Share of the target reached (of the way from the baseline to the target)."""
        if self.value is None or not self.target:
            return None
        span = self.target - self.indicator.baseline
        return float((Decimal(self.value) - self.indicator.baseline) / span) if span else None


def _target(indicator: Indicator, start: dt.date | None, end: dt.date | None) -> Decimal | None:
    """The target set for exactly this period, else the one for the whole project."""
    targets = list(indicator.targets.all())
    for target in targets:
        if target.starts_on == start and target.ends_on == end:
            return target.value
    project = indicator.project
    for target in targets:
        if (target.starts_on, target.ends_on) == (project.starts_on, project.ends_on):
            return target.value
    return None


def framework_figures(
    *,
    project: Project,
    start: dt.date | None = None,
    end: dt.date | None = None,
    split: bool = True,
) -> list[IndicatorFigures]:
    """Every indicator of the project, in framework order; a broken one carries its error."""
    results = []
    # Read once per page (lib.memo): a donor's page computes the framework for every period.
    indicators = remembered(
        ("framework-indicators", project.pk),
        lambda: list(
            project.indicators.select_related("project", "parent").prefetch_related("targets")
        ),
    )
    for indicator in indicators:
        figures = IndicatorFigures(indicator=indicator, target=_target(indicator, start, end))
        if indicator.definition:
            try:
                measure = definition_check(project=project, definition=indicator.definition)
                figures.value, figures.splits = figure_and_splits(
                    project=project, definition=indicator.definition,
                    dimensions=dimensions_of(measure) if split else (), start=start, end=end,
                )  # fmt: skip
            except ValidationError as broken:
                figures.error = "; ".join(
                    " ".join(messages) for messages in broken.message_dict.values()
                )
        results.append(figures)
    return results


def plain_number(value: Any) -> Any:
    """A number as JSON keeps it: a whole Decimal as int, any other as float."""
    if isinstance(value, Decimal):
        return int(value) if value == int(value) else float(value)
    return value


def framework_records(figures: list[IndicatorFigures]) -> list[dict[str, Any]]:
    """Each indicator as plain data (JSON): what the command prints and the page shows."""
    return [
        {
            "code": f.indicator.code,
            "level": f.indicator.level,
            "name": f.indicator.name_en,
            "name_km": f.indicator.name_km,
            "unit": f.indicator.unit,
            "value": plain_number(f.value),
            "target": plain_number(f.target),
            "baseline": plain_number(f.indicator.baseline),
            "splits": {
                d: {k: plain_number(v) for k, v in cells.items()} for d, cells in f.splits.items()
            },
            "error": f.error,
        }
        for f in figures
    ]


CSV_HEADER = ["code", "level", "name", "unit", "dimension", "cell", "value", "target", "error"]


def framework_table(figures: list[IndicatorFigures]) -> list[list[Any]]:
    """One row per figure and per cell of its splits: the CSV and spreadsheet export."""
    rows = []
    for record in framework_records(figures):
        head = [record["code"], record["level"], record["name"], record["unit"]]
        rows.append([*head, "", "total", record["value"], record["target"], record["error"]])
        for dimension, cells in record["splits"].items():
            rows.extend(
                [*head, dimension, cell, cells[cell], "", ""]
                for cell in split_order(dimension, cells)
            )
    return rows


def people_change(
    *,
    project: Project,
    definition: dict[str, Any],
    start: dt.date,
    end: dt.date,
    then: list[int],
) -> tuple[set[int], set[int]]:
    """(who is counted today and was not then, who was counted then and is not today)."""
    now = set(figure_ids(project=project, definition=definition, start=start, end=end))
    return now - set(then), set(then) - now


def lock_compare(*, figures: list[IndicatorFigures], lock: PeriodLock) -> None:
    """Put each locked figure beside today's, with who was added or removed since."""
    for item in figures:
        frozen = lock.figures.get(item.indicator.code)
        if frozen is None:
            continue
        item.frozen = {"value": Decimal(frozen["value"]), "added": 0, "removed": 0}
        if frozen["ids"] is not None and not item.error:
            added, removed = people_change(
                project=lock.project, definition=item.indicator.definition,
                start=lock.starts_on, end=lock.ends_on, then=frozen["ids"],
            )  # fmt: skip
            item.frozen.update(added=len(added), removed=len(removed))
