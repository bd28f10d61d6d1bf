"""Reads for reports that other apps are told of: the small figures released for publication."""

from __future__ import annotations

import datetime as dt

from tonle.programs.models import Project
from tonle.reports.models import SmallFigureRelease


def released_small_figures(project: Project) -> set[tuple[tuple[dt.date, dt.date], str]]:
    """(the report's period, indicator code) of each figure under 5 a manager chose to publish."""
    rows = SmallFigureRelease.objects.filter(template__project=project).values_list(
        "template__starts_on", "template__ends_on", "code"
    )
    return {((start, end), code) for start, end, code in rows}
