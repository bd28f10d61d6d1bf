"""The reach cells: built from the attendances in one pass, then kept in step from the history tables.

A cell is one figure of the dashboard (the total, one district, one quarter, ...) and holds
the roaring bitmap of the participant ids behind it, so its count is exact and its ids can
be listed. Cells are derived data: `reach_rebuild` makes them from SQL at any time, and
`reach_refresh` applies only what changed since, read from django-simple-history's tables
(every service writes them), so no record app has to know that cells exist.

Only the background worker writes cells (results.services.results_catch_up, every few
seconds). A reader never does: it reads the stored cells and counts the few people whose
records changed since the last refresh again in memory, so its figures are exact and its
request takes no write lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import numpy as np
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from pyroaring import BitMap

from tonle.people.ages import UNKNOWN_AGE, age_bands
from tonle.people.models import Participant, Sex
from tonle.programs.models import Activity, Attendance, Project
from tonle.results.bitmaps import (
    band_indexes,
    bitmaps_by_key,
    changed_since,
    chunks,
    int_rows,
    last_history_id,
)
from tonle.results.models import ReachCell, ReachState

TOTAL = "total"
ALL = "all"

Cells = dict[tuple[str, str], BitMap]


class _Activities:
    """Each activity of the project with the key of every dimension it falls in, as arrays."""

    def __init__(self, project: Project) -> None:
        rows = list(
            Activity.objects.filter(project=project)
            .order_by("id")
            .values_list(
                "id",
                "village__commune__district_id",
                "village_id",
                "component_id",
                "activity_type_id",
                "date",
            )
        )
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.by_dimension = {
            "district": np.array([r[1] for r in rows], dtype=np.int64),
            "community": np.array([r[2] for r in rows], dtype=np.int64),
            "component": np.array([r[3] for r in rows], dtype=np.int64),
            "activity_type": np.array([r[4] for r in rows], dtype=np.int64),
            "quarter": np.array(
                [r[5].year * 10 + (r[5].month - 1) // 3 + 1 for r in rows], dtype=np.int64
            ),
        }
        self.years = np.array([r[5].year for r in rows], dtype=np.int64)


def _attendance_rows(project: Project, participant_ids: Iterable[int] | None) -> np.ndarray:
    """(activity id, participant id, birth year or 0) of the project's women and girls."""
    rows = Attendance.objects.filter(activity__project=project, participant__sex=Sex.FEMALE)
    if participant_ids is not None:
        rows = rows.filter(participant_id__in=list(participant_ids))
    return int_rows(
        rows.values_list(
            "activity_id", "participant_id", Coalesce("participant__birth_year", Value(0))
        ),
        3,
    )


def _key_text(dimension: str, value: int) -> str:
    if dimension == "quarter":
        return f"{value // 10}-Q{value % 10}"
    return str(value)


def _cells_from(activities: _Activities, rows: np.ndarray) -> Cells:
    cells: Cells = {}
    if not len(rows):
        return cells
    at = np.searchsorted(activities.ids, rows[:, 0])
    people, born = rows[:, 1], rows[:, 2]
    cells[(TOTAL, ALL)] = BitMap(np.unique(people).astype(np.uint32))
    for dimension, keys in activities.by_dimension.items():
        for key, ids in bitmaps_by_key(keys[at], people):
            cells[(dimension, _key_text(dimension, key))] = ids
    # Age in the year of the activity, as the SQL of reach.py counts it.
    bands = age_bands()
    for index, ids in bitmaps_by_key(band_indexes(activities.years[at], born) + 1, people):
        cells[("age_band", bands[index - 1].code if index else UNKNOWN_AGE)] = ids
    return cells


def _cell(project: Project, dimension: str, key: str, ids: BitMap) -> ReachCell:
    ids.run_optimize()
    return ReachCell(
        project=project, dimension=dimension, key=key, ids=ids.serialize(), count=len(ids)
    )


def _marks() -> dict[str, int]:
    return {
        "attendance_mark": last_history_id(Attendance),
        "activity_mark": last_history_id(Activity),
        "participant_mark": last_history_id(Participant),
    }


@transaction.atomic
def reach_rebuild(*, project: Project) -> ReachState:
    """Make every cell of the project again from the attendances (SQL is the truth)."""
    marks = _marks()
    cells = _cells_from(_Activities(project), _attendance_rows(project, None))
    ReachCell.objects.filter(project=project).delete()
    ReachCell.objects.bulk_create(
        [_cell(project, dimension, key, ids) for (dimension, key), ids in cells.items()],
        batch_size=500,
    )
    now = timezone.now()
    state, _created = ReachState.objects.update_or_create(
        project=project, defaults={"built_at": now, "caught_up_at": now, **marks}
    )
    return state


def _changes_since(state: ReachState) -> tuple[set[int], dict[str, int]]:
    """Participants whose cells may have changed, and the marks to keep afterwards."""
    attendances = changed_since(Attendance, state.attendance_mark)
    participants = changed_since(Participant, state.participant_mark)
    activities = changed_since(Activity, state.activity_mark)
    moved = activities.records
    affected = participants.records | set(
        Attendance.history.filter(id__in=attendances.records).values_list(
            "participant_id", flat=True
        )
    )
    if moved:
        affected.update(
            Attendance.objects.filter(activity_id__in=moved).values_list(
                "participant_id", flat=True
            )
        )
    marks = {
        "attendance_mark": attendances.mark,
        "activity_mark": activities.mark,
        "participant_mark": participants.mark,
    }
    return affected, marks


def reach_refresh(*, project: Project) -> ReachState:
    """Bring the project's cells up to date with every change recorded since the last refresh.

    Run by the background worker (results_catch_up), never by a reader: a reader counts what
    changed since in memory (cell_counts) and writes nothing. What changed is worked out
    before any transaction, so a refresh with nothing to save takes no write lock."""
    state = ReachState.objects.filter(project=project).first()
    if state is not None and not _refresh_changes(project, state):
        return state
    with transaction.atomic():
        state = ReachState.objects.select_for_update().filter(project=project).first()
        if state is None:
            return reach_rebuild(project=project)
        if changes := _refresh_changes(project, state):
            cells, marks = changes
            _save(project, cells)
            for name, value in marks.items():
                setattr(state, name, value)
            state.caught_up_at = timezone.now()
            state.save()
    return state


_Changed = list[tuple[tuple[str, str], ReachCell | None, BitMap]]


def _refresh_changes(project: Project, state: ReachState) -> tuple[_Changed, dict[str, int]] | None:
    """The cells to save (place, stored cell or None, ids now) and the marks to keep; None
    when the stored cells and marks are up to date. Reads only."""
    affected, marks = _changes_since(state)
    cells: _Changed = []
    if affected:
        now = _caught_up(project, BitMap(affected))
        existing = {(c.dimension, c.key): c for c in ReachCell.objects.filter(project=project)}
        for place, cell in existing.items():
            before = cell.bitmap()
            after = now.cell(place, before)
            if after != before:
                cells.append((place, cell, after))
        cells.extend(
            (place, None, ids) for place, ids in now.fresh.items() if place not in existing
        )
    if not cells and all(getattr(state, name) == value for name, value in marks.items()):
        return None
    return cells, marks


class _CaughtUp:
    """The cells of the people affected since the marks, counted again from SQL; applied to a
    stored cell, it gives that cell as it stands now."""

    def __init__(self, fresh: Cells, affected: BitMap) -> None:
        self.fresh, self.affected = fresh, affected

    def cell(self, place: tuple[str, str], before: BitMap) -> BitMap:
        return (before - self.affected) | self.fresh.get(place, BitMap())


def _caught_up(project: Project, affected: BitMap) -> _CaughtUp:
    rows = [_attendance_rows(project, chunk) for chunk in chunks(list(affected))]
    return _CaughtUp(_cells_from(_Activities(project), np.concatenate(rows)), affected)


def _save(project: Project, cells: _Changed) -> None:
    new = []
    for (dimension, key), cell, ids in cells:
        if cell is None:
            new.append(_cell(project, dimension, key, ids))
        elif ids:
            updated = _cell(project, dimension, key, ids)
            cell.ids, cell.count = updated.ids, updated.count
            cell.save(update_fields=["ids", "count"])
        else:
            cell.delete()
    ReachCell.objects.bulk_create(new)


def _behind(project: Project) -> tuple[ReachState | None, BitMap]:
    """The project's state and the people whose cells changed since it (reads only).

    The state is read before the cells: cells saved by a refresh in between are newer than
    its marks, and counting the affected people again over them gives the same figures."""
    state = ReachState.objects.filter(project=project).first()
    if state is None:
        return None, BitMap()
    affected, _marks = _changes_since(state)
    return state, BitMap(affected)


def _all_from_sql(project: Project) -> Cells:
    """Every cell in memory, for a project whose cells were never built (the worker builds them)."""
    return _cells_from(_Activities(project), _attendance_rows(project, None))


# In this process: each project's stored cells last read, with when their state was saved
# (a refresh that changes a cell saves the state in the same transaction).
_READ: dict[int, tuple[tuple[object, object], Cells]] = {}
_LOCK = threading.Lock()


def _stored_cells(project: Project, state: ReachState) -> Cells:
    """The stored cells' ids, read from the database only when they changed since last read."""
    saved = (state.built_at, state.caught_up_at)
    with _LOCK:
        read = _READ.get(project.pk)
    if read and read[0] == saved:
        return read[1]
    cells = {
        (dimension, key): BitMap.deserialize(bytes(ids))
        for dimension, key, ids in ReachCell.objects.filter(project=project).values_list(
            "dimension", "key", "ids"
        )
    }
    with _LOCK:
        _READ[project.pk] = (saved, cells)
    return cells


def cell_ids(*, project: Project, dimension: str, key: str) -> BitMap:
    """The participant ids behind one figure, up to date; empty for a figure nobody is in.

    Reads only: what changed since the last refresh is counted in memory."""
    state, affected = _behind(project)
    if state is None:
        return _all_from_sql(project).get((dimension, key), BitMap())
    cell = ReachCell.objects.filter(project=project, dimension=dimension, key=key).first()
    ids = cell.bitmap() if cell else BitMap()
    if affected:
        ids = _caught_up(project, affected).cell((dimension, key), ids)
    return ids


def cell_counts(*, project: Project) -> dict[tuple[str, str], int]:
    """Every figure of the project, up to date.

    Reads only: what changed since the last refresh is counted in memory."""
    state, affected = _behind(project)
    if state is None:
        return {place: len(ids) for place, ids in _all_from_sql(project).items()}
    cells = ReachCell.objects.filter(project=project)
    if not affected:
        return {
            (dimension, key): count
            for dimension, key, count in cells.values_list("dimension", "key", "count")
        }
    now = _caught_up(project, affected)
    counts = {
        place: len(now.cell(place, ids)) for place, ids in _stored_cells(project, state).items()
    }
    for place, ids in now.fresh.items():
        counts.setdefault(place, len(ids))
    return {place: n for place, n in counts.items() if n}
