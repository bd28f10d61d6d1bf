"""Unique reach of a project: distinct women and girls, whole and split, with the people behind each figure.

SQL is the source of truth: every figure is a COUNT(DISTINCT participant) over the
attendances of the project's activities, so a woman who came to forty sessions counts
once in the total, and once in each split cell she falls in. The dashboard reads them from
the indicator grid of women and girls attending (grid.py), the one engine every exact count
goes through; the sql_* functions here are what that grid must always equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db.models import CharField, Count, F, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from pyroaring import FrozenBitMap

from tonle.people.models import Participant, Sex
from tonle.programs.models import Attendance, Project
from tonle.results.expressions import AGE, age_band_key, quarter_key
from tonle.results.grid import grid_get, grid_ids
from tonle.results.labels import split_labels, split_order

# The women and girls who took part in the project's activities: the dashboard's figures, and
# the same grid as any indicator defined so (the demo's "engaged").
REACH = {"measure": "people_attending", "filters": {"sex": [Sex.FEMALE.value]}}
TOTAL = "total"


@dataclass(frozen=True)
class Dimension:
    code: str
    label: object  # lazy translation


DIMENSIONS = [
    Dimension("district", _("District")),
    Dimension("community", _("Community")),
    Dimension("age_band", _("Age")),
    Dimension("component", _("Component")),
    Dimension("activity_type", _("Activity type")),
    Dimension("quarter", _("Quarter")),
]
_FOREIGN_KEYS = {
    "district": "activity__village__commune__district_id",
    "community": "activity__village_id",
    "component": "activity__component_id",
    "activity_type": "activity__activity_type_id",
}


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    count: int


@dataclass
class ReachFigures:
    total: int
    splits: dict[str, list[Cell]] = field(default_factory=dict)


def _keyed(project: Project, dimension: str) -> QuerySet[Attendance]:
    """The project's attendances of women and girls, each with the key of its cell in `dimension`."""
    rows = Attendance.objects.filter(activity__project=project, participant__sex=Sex.FEMALE)
    if dimension in _FOREIGN_KEYS:
        return rows.annotate(_key=Cast(F(_FOREIGN_KEYS[dimension]), CharField()))
    if dimension == "quarter":
        return rows.annotate(_key=quarter_key("activity__date"))
    if dimension == "age_band":
        age, band = age_band_key(date="activity__date", birth_year="participant__birth_year")
        return rows.annotate(**{AGE: age}).annotate(_key=band)
    raise ValueError(f"unknown dimension {dimension!r}")


def sql_reach_total(*, project: Project) -> int:
    """The total straight from SQL: what the cells must always equal."""
    rows = Attendance.objects.filter(activity__project=project, participant__sex=Sex.FEMALE)
    return rows.aggregate(n=Count("participant_id", distinct=True))["n"]


def reach_total(*, project: Project) -> int:
    return len(grid_ids(project=project, definition=REACH))


# Places and kinds of activity are ranked, the most women first; ages and quarters keep the
# natural order of every split table (labels.split_order).
_RANKED = {"district", "community", "component", "activity_type"}


def sql_reach_split(*, project: Project, dimension: str) -> dict[str, int]:
    """One split straight from SQL: what the cells must always equal."""
    grouped = (
        _keyed(project, dimension).values("_key").annotate(n=Count("participant_id", distinct=True))
    )
    return {row["_key"]: row["n"] for row in grouped}


def _split(dimension: str, counts: dict[str, int]) -> list[Cell]:
    labels = split_labels(dimension, list(counts))
    cells = [Cell(key=key, label=labels.get(key, key), count=n) for key, n in counts.items()]
    if dimension in _RANKED:
        return sorted(cells, key=lambda cell: (-cell.count, cell.label))
    order = split_order(dimension, counts, labels)
    return sorted(cells, key=lambda cell: order.index(cell.key))


def reach_figures(*, project: Project) -> ReachFigures:
    """The dashboard's figures, from the grid of women and girls attending (up to date)."""
    grid = grid_get(project=project, definition=REACH)
    everything = np.arange(len(grid.cells))
    figures = ReachFigures(total=len(grid.split(everything, ())[()]))
    for dimension in DIMENSIONS:
        split = grid.split(everything, (dimension.code,))
        figures.splits[dimension.code] = _split(
            dimension.code, {key: len(ids) for (key,), ids in split.items()}
        )
    return figures


def sql_reach_figures(*, project: Project) -> ReachFigures:
    figures = ReachFigures(total=sql_reach_total(project=project))
    for dimension in DIMENSIONS:
        figures.splits[dimension.code] = _split(
            dimension.code, sql_reach_split(project=project, dimension=dimension.code)
        )
    return figures


def reach_ids(*, project: Project, dimension: str, key: str) -> FrozenBitMap:
    """The ids of the women and girls behind one figure, from the grid: as many as the figure."""
    if dimension != TOTAL and dimension not in {d.code for d in DIMENSIONS}:
        raise ValueError(dimension)
    where = None if dimension == TOTAL else {dimension: key}
    return grid_ids(project=project, definition=REACH, where=where)


def sql_reach_people(*, project: Project, dimension: str, key: str) -> QuerySet[Participant]:
    """The women and girls behind one figure, straight from SQL: what the cell must hold."""
    if dimension == TOTAL:
        rows = Attendance.objects.filter(activity__project=project, participant__sex=Sex.FEMALE)
    else:
        rows = _keyed(project, dimension).filter(_key=key)
    return Participant.objects.filter(pk__in=rows.values("participant_id"))


def cell_label(*, dimension: str, key: str) -> str:
    return split_labels(dimension, [key]).get(key, key) if dimension != TOTAL else ""


def dimension_label(code: str) -> str:
    if code == TOTAL:
        return str(_("All"))
    return next(str(d.label) for d in DIMENSIONS if d.code == code)
