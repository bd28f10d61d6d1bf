"""What a reader who sees no names (a donor) may see of the figures: fixed periods only, and
no count from 1 to 4 that can be read or worked out by subtraction.

The one place that applies tonle.lib.suppression to the results: the dashboard, the
framework, the reports (page, PDF, tables) and the IATI file take their figures from here
when the reader may not see names. Every indicator is protected across every period a donor
can open (the project, its years and its quarters; months appear as a split), so a quarter
cannot be subtracted from its year, nor one district's quarter from the district's year.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext as _

from tonle.lib.suppression import (
    hidden_cells,
    protected_table,
    safe_pair,
    suppressed,
    too_small,
)
from tonle.programs.models import Project
from tonle.results.framework import IndicatorFigures, framework_figures
from tonle.results.models import IndicatorUnit
from tonle.results.reach import ReachFigures

PERIOD_DIMENSIONS = ("year", "quarter", "month")
Period = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class FixedPeriod:
    start: dt.date
    end: dt.date
    label: str
    parent: Period | None  # the period it is part of (a quarter's year, a year's project)


def _clip(project: Project, start: dt.date, end: dt.date) -> Period:
    return max(start, project.starts_on), min(end, project.ends_on)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _of_key(project: Project, dimension: str, key: str) -> Period | None:
    """The period a split cell of time stands for ("2023", "2023-Q2", "2023-5"), clipped."""
    try:
        if dimension == "year":
            start, end = dt.date(int(key), 1, 1), dt.date(int(key), 12, 31)
        elif dimension == "quarter":
            year, quarter = key.split("-Q")
            first = 3 * int(quarter) - 2
            start, end = dt.date(int(year), first, 1), _month_end(int(year), first + 2)
        else:
            year, month = key.split("-")
            start, end = dt.date(int(year), int(month), 1), _month_end(int(year), int(month))
    except ValueError:
        return None
    return _clip(project, start, end)


def fixed_periods(*, project: Project) -> list[FixedPeriod]:
    """The periods a donor may choose: the whole project, each year, each quarter."""
    whole = (project.starts_on, project.ends_on)
    periods = [FixedPeriod(*whole, _("The whole project"), None)]
    for year in range(project.starts_on.year, project.ends_on.year + 1):
        start, end = _clip(project, dt.date(year, 1, 1), dt.date(year, 12, 31))
        periods.append(FixedPeriod(start, end, str(year), whole))
        for quarter in range(1, 5):
            first = dt.date(year, 3 * quarter - 2, 1)
            last = _month_end(year, 3 * quarter)
            if last < project.starts_on or first > project.ends_on:
                continue
            label = _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}
            periods.append(FixedPeriod(*_clip(project, first, last), label, (start, end)))
    return periods


def periods_offered(*, project: Project, start: dt.date, end: dt.date) -> list[FixedPeriod]:
    """The buttons a donor gets on a phone: the project, its years, and the quarters of the
    year she is reading (a nine-year project would otherwise offer forty-five)."""
    whole = (project.starts_on, project.ends_on)
    return [
        period
        for period in fixed_periods(project=project)
        if period.parent in (None, whole) or period.parent[0] <= start <= end <= period.parent[1]
    ]


def reader_period(
    *, project: Project, start: dt.date, end: dt.date, names: bool
) -> tuple[dt.date, dt.date, bool]:
    """The period a reader gets for the one asked: a donor gets the whole project unless she
    asked for a fixed period (True when her period was replaced)."""
    if names or (start, end) in {(p.start, p.end) for p in fixed_periods(project=project)}:
        return start, end, False
    return project.starts_on, project.ends_on, True


# Reports, which build on results, say which small figures a manager chose to publish in a
# report; they register here in AppConfig.ready(), so results never imports them.
ReleaseSource = Callable[[Project], set[tuple[Period, str]]]
_release_sources: list[ReleaseSource] = []


def release_source_register(source: ReleaseSource) -> None:
    if source not in _release_sources:
        _release_sources.append(source)


def released_figures(*, project: Project) -> set[tuple[Period, str]]:
    """(period, indicator code) of the small figures a manager chose to publish."""
    return {released for source in _release_sources for released in source(project)}


def _of_people(item: IndicatorFigures) -> bool:
    return item.indicator.unit == IndicatorUnit.PEOPLE and not item.error


def donor_figures(*, project: Project, start: dt.date, end: dt.date) -> list[IndicatorFigures]:
    """The framework for a period as a donor sees it: hidden figures and cells are None."""
    page: Period = (start, end)
    fixed = fixed_periods(project=project)
    periods: list[Period] = [(p.start, p.end) for p in fixed]
    if page not in periods:
        periods.append(page)  # a report's own period: protected within itself
    by_period = {p: framework_figures(project=project, start=p[0], end=p[1]) for p in periods}
    fixed_keys = {(p.start, p.end) for p in fixed}

    def item(code: str, period: Period, dimension: str = "", key: str = "") -> tuple:
        if dimension in PERIOD_DIMENSIONS and period in fixed_keys:
            # A quarter of the year's split is the quarter's own total: one figure, one key.
            # (A year's cell on a quarter's page is that quarter: no alias then.)
            alias = _of_key(project, dimension, key)
            if alias is not None and period[0] <= alias[0] and alias[1] <= period[1]:
                return (code, alias, "", "")
        return (code, period, dimension, key)

    values: dict[tuple, Any] = {}
    relations: list[list[tuple]] = []
    also: set[tuple] = set()
    for period, figures in by_period.items():
        people = [f for f in figures if _of_people(f)]
        for f in people:
            code = f.indicator.code
            values[item(code, period)] = f.value
            for dimension, cells in f.splits.items():
                keys = [item(code, period, dimension, k) for k in cells]
                values.update(zip(keys, cells.values(), strict=True))
                relations.append([item(code, period), *keys])
        # Two figures of the same measure whose gap is small give the gap away.
        for a in people:
            for b in people:
                same = a.indicator.definition.get("measure") == b.indicator.definition.get(
                    "measure"
                )
                if a is not b and same and a.value and b.value and not safe_pair(a.value, b.value):
                    smaller = a if (a.value, a.indicator.code) < (b.value, b.indicator.code) else b
                    also.add(item(smaller.indicator.code, period))
    for p in fixed:
        if p.parent is None:
            continue
        children = [(c.start, c.end) for c in fixed if c.parent == (p.start, p.end)]
        for f in by_period[(p.start, p.end)]:
            if not _of_people(f):
                continue
            code = f.indicator.code
            relations.append([item(code, (p.start, p.end)), *(item(code, c) for c in children)])
    # A sub-period's cells add up to its parent's, dimension by dimension.
    for parent in [(p.start, p.end) for p in fixed]:
        children = [(c.start, c.end) for c in fixed if c.parent == parent]
        if not children:
            continue
        keys: dict[tuple[str, str, str], None] = {}
        for f in by_period[parent]:
            if _of_people(f):
                for dimension, cells in f.splits.items():
                    if dimension not in PERIOD_DIMENSIONS:
                        keys.update({(f.indicator.code, dimension, k): None for k in cells})
        for code, dimension, key in keys:
            relations.append(
                [item(code, parent, dimension, key)]
                + [item(code, c, dimension, key) for c in children]
            )
    release = {(code, period, "", "") for period, code in released_figures(project=project)}
    hidden = suppressed(values, relations, released=release, also=also)
    shown = []
    for f in by_period[page]:
        if not _of_people(f):
            shown.append(f)
            continue
        code = f.indicator.code
        gone = item(code, page) in hidden
        splits = {
            d: {k: None if item(code, page, d, k) in hidden else v for k, v in cells.items()}
            for d, cells in f.splits.items()
        }
        shown.append(replace(f, value=None if gone else f.value, suppressed=gone, splits=splits))
    return shown


def donor_reach(*, figures: ReachFigures) -> tuple[int | None, dict[str, dict[str, int | None]]]:
    """The dashboard's reach for a donor: its total and splits, small ones and their
    complements hidden (None)."""
    return protected_table(
        figures.total, {d: {c.key: c.count for c in cells} for d, cells in figures.splits.items()}
    )


def donor_side_by_side(counts: Mapping[str, int]) -> dict[str, int | None]:
    """Counts shown side by side with no total (the dashboard's referrals closed, overdue and
    open) as a donor sees them: small ones hidden (None), and another beside a lone hidden one."""
    hidden = hidden_cells(list(counts.values()))
    return {key: None if i in hidden else n for i, (key, n) in enumerate(counts.items())}


def donor_change(*, reported: Any, today: Any, added: int, removed: int) -> dict[str, Any] | None:
    """What a donor may see of a figure then and now: nothing unless both and their gap are
    safe; who was added or removed only when neither count is small."""
    if not safe_pair(reported, today):
        return None
    moved = not too_small(added) and not too_small(removed)
    return {"value": reported, "added": added if moved else None,
            "removed": removed if moved else None}  # fmt: skip
