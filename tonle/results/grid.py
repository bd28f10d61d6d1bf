"""Indicator grids: the people behind an indicator, one roaring bitmap per fine cell.

A fine cell is one community x sex x age band x disability x component x activity type x
month. Every figure the framework asks for (the total, a split by any dimension, a cross
grid, one district's roll-up, a period of whole months) is the union of some fine cells,
so it stays an exact count of distinct people however the cells are combined.

SQL (indicators.py) is the truth: a grid is built from it, kept in step from the history
tables, rebuilt whenever asked, and a property test checks
both agree on random data and random definitions. As with the cells, only the background
worker saves a grid (grid_refresh); a reader catches the stored grid up in memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Model, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone
from pyroaring import BitMap, FrozenBitMap

from tonle.cases.models import Case as SupportCase
from tonle.cases.models import Session
from tonle.geo.models import Village
from tonle.groups.models import GroupMembership
from tonle.lib.memo import remembered
from tonle.outcomes.models import Milestone
from tonle.people.ages import UNKNOWN_AGE, age_bands
from tonle.people.models import Participant, Sex
from tonle.programs.models import Activity, Attendance, Project
from tonle.referrals.models import ServiceDelivery
from tonle.results.bitmaps import (
    band_indexes,
    bitmaps_by_key,
    changed_since,
    chunks,
    int_rows,
    last_history_id,
)
from tonle.results.indicators import (
    DISABLED,
    NOT_DISABLED,
    Measure,
    definition_check,
    dimensions_check,
    indicator_people,
    indicator_records,
    indicator_split,
    indicator_value,
)
from tonle.results.models import IndicatorGrid

# The columns of a fine cell, as stored; every other dimension derives from one of them.
COLUMNS = ("community", "sex", "age_band", "disability", "component", "activity_type", "month")
_DERIVED = {"district": "community", "commune": "community", "year": "month", "quarter": "month"}
_SEXES = list(Sex.values)


@dataclass(frozen=True)
class Source:
    """Records whose changes can move a measure's people, and how to find those people.

    New records of the measure's own model (`records`) are added to the grid as they are;
    any other change, and a change to an existing record, recounts the people it touches.
    A new activity or a new woman moves nobody: her records come through the records' table.
    """

    model: type[Model]
    people: Callable[[set[int]], Iterable[int | None]]
    records: bool = False


def _by_history(model: type[Model], path: str, *, records: bool = False) -> Source:
    # Every version of a changed record, so a record moved from one woman to another
    # recounts both.
    return Source(
        model,
        lambda ids: model.history.filter(id__in=ids).values_list(path, flat=True),
        records=records,
    )


_PARTICIPANTS = Source(Participant, lambda ids: ids)
SOURCES: dict[str, list[Source]] = {
    "people_attending": [
        _by_history(Attendance, "participant_id", records=True),
        Source(
            Activity,
            lambda ids: Attendance.objects.filter(activity_id__in=ids).values_list(
                "participant_id", flat=True
            ),
        ),
    ],
    "smart_women": [_by_history(GroupMembership, "participant_id", records=True)],
    "people_supported": [
        _by_history(Session, "case__participant_id", records=True),
        _by_history(SupportCase, "participant_id"),
    ],
    "people_served": [_by_history(ServiceDelivery, "participant_id", records=True)],
    "people_milestone": [_by_history(Milestone, "participant_id", records=True)],
    "case_people": [_by_history(SupportCase, "participant_id", records=True)],
}


def served_by_grid(
    *, definition: dict[str, Any], start: dt.date | None, end: dt.date | None
) -> bool:
    """Whether a grid can give this figure: people, no "at least", a period of whole months.

    "At least n records" depends on the period chosen, so it is counted in SQL.
    """
    if definition.get("measure") not in SOURCES or definition.get("at_least"):
        return False
    return (start is None or start.day == 1) and (
        end is None or (end + dt.timedelta(days=1)).day == 1
    )


def _month(date: dt.date) -> int:
    return date.year * 12 + date.month - 1


class Grid:
    """Fine cells (one row of COLUMNS each) and the bitmap of people in each."""

    def __init__(self, cells: np.ndarray, bitmaps: list[BitMap]) -> None:
        self.cells = cells.reshape(-1, len(COLUMNS)).astype(np.int64)
        self.bitmaps = bitmaps
        self._places: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        # The splits of the whole grid asked for so far, kept: a grid never changes (catching
        # up makes a new one, which carries these over for the few people who changed).
        self.whole: dict[tuple[str, ...], dict[tuple[str, ...], FrozenBitMap]] = {}

    # -- storage ---------------------------------------------------------------------
    def serialize(self) -> bytes:
        blobs = []
        for bitmap in self.bitmaps:
            bitmap.run_optimize()
            blobs.append(bitmap.serialize())
        offsets = np.cumsum([0] + [len(b) for b in blobs], dtype=np.int64)
        out = io.BytesIO()
        np.savez(
            out, cells=self.cells, offsets=offsets, blob=np.frombuffer(b"".join(blobs), np.uint8)
        )
        return out.getvalue()

    @classmethod
    def deserialize(cls, data: bytes) -> Grid:
        stored = np.load(io.BytesIO(data))
        offsets, blob = stored["offsets"], stored["blob"].tobytes()
        bitmaps = [
            BitMap.deserialize(blob[offsets[i] : offsets[i + 1]]) for i in range(len(offsets) - 1)
        ]
        return cls(stored["cells"], bitmaps)

    # -- reading ---------------------------------------------------------------------
    def _place_keys(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(village ids, their communes, their districts), sorted by village id."""
        if self._places is None:
            rows = sorted(
                Village.objects.filter(pk__in=np.unique(self.cells[:, 0]).tolist()).values_list(
                    "id", "commune_id", "commune__district_id"
                )
            )
            villages = np.array([0] + [r[0] for r in rows], dtype=np.int64)
            self._places = (
                villages,
                np.array([0] + [r[1] for r in rows], dtype=np.int64),
                np.array([0] + [r[2] for r in rows], dtype=np.int64),
            )
        return self._places

    def column(self, dimension: str, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Each cell's key in `dimension`, as a number (see key_text)."""
        stored = self.cells[rows, COLUMNS.index(_DERIVED.get(dimension, dimension))]
        if dimension in {"district", "commune"}:
            villages, communes, districts = self._place_keys()
            at = np.searchsorted(villages, stored)
            return (communes if dimension == "commune" else districts)[at]
        if dimension == "year":
            return stored // 12
        if dimension == "quarter":
            return (stored // 12) * 10 + (stored % 12) // 3 + 1
        return stored

    def select(self, *, months: tuple[int | None, int | None], where: dict[str, str]) -> np.ndarray:
        """Indexes of the cells inside the months (inclusive) and matching every key in `where`."""
        low, high = months
        month = self.cells[:, COLUMNS.index("month")]
        chosen = np.ones(len(self.cells), dtype=bool)
        if low is not None:
            chosen &= month >= low
        if high is not None:
            chosen &= month <= high
        for dimension, key in where.items():
            keys = self.column(dimension)
            matching = [v for v in np.unique(keys).tolist() if key_text(dimension, v) == key]
            chosen &= np.isin(keys, matching)
        return np.flatnonzero(chosen)

    def union(self, rows: Iterable[int]) -> FrozenBitMap:
        bitmaps = [self.bitmaps[i] for i in rows]
        return FrozenBitMap(BitMap.union(*bitmaps) if bitmaps else ())

    def split(self, rows: np.ndarray, by: Sequence[str]) -> dict[tuple[str, ...], FrozenBitMap]:
        """The people of the chosen cells grouped by the keys of `by` (a cross grid); a split
        of the whole grid is worked out once (the dashboard asks for the same ones each time)."""
        if len(rows) < len(self.cells):
            return self._split(rows, by)
        if tuple(by) not in self.whole:
            self.whole[tuple(by)] = self._split(rows, by)
        return self.whole[tuple(by)]

    def _split(self, rows: np.ndarray, by: Sequence[str]) -> dict[tuple[str, ...], FrozenBitMap]:
        if not by:
            return {(): self.union(rows)}
        if not len(rows):
            return {}
        keys = np.stack([self.column(d, rows) for d in by], axis=1)
        groups, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        order = np.argsort(inverse, kind="stable")
        chunks = np.split(order, np.flatnonzero(np.diff(inverse[order])) + 1)
        return {
            tuple(key_text(d, v) for d, v in zip(by, groups[inverse[chunk[0]]].tolist(), strict=True)):
            self.union(rows[chunk])
            for chunk in chunks
        }  # fmt: skip


def key_text(dimension: str, value: int) -> str:
    """A cell's key as the SQL of indicators.py writes it."""
    if dimension == "sex":
        return _SEXES[value]
    if dimension == "age_band":
        return age_bands()[value].code if value >= 0 else UNKNOWN_AGE
    if dimension == "disability":
        return DISABLED if value else NOT_DISABLED
    if dimension == "quarter":
        return f"{value // 10}-Q{value % 10}"
    if dimension == "month":
        return f"{value // 12}-{value % 12 + 1}"
    return str(value) if value else "None"


# -- building ----------------------------------------------------------------------------


def _stamp(definition: dict[str, Any]) -> str:
    """What a grid was built from: the definition and the age bands."""
    bands = [(b.low, b.high) for b in age_bands()]
    text = json.dumps({"definition": definition, "bands": bands}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _people_columns(person_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sex index, year of birth or 0, disability 0/1) of each id, in the order given."""
    wanted = np.unique(person_ids)
    rows = []
    for chunk in chunks(wanted.tolist()):
        rows.extend(
            Participant.objects.filter(pk__in=chunk)
            .order_by("id")
            .values_list("id", "sex", Coalesce("birth_year", Value(0)), "has_disability")
        )
    rows.sort()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    at = np.searchsorted(ids, person_ids)
    sex = np.array([_SEXES.index(r[1]) for r in rows], dtype=np.int64)
    born = np.array([r[2] for r in rows], dtype=np.int64)
    disabled = np.array([int(r[3]) for r in rows], dtype=np.int64)
    return sex[at], born[at], disabled[at]


@dataclass
class _Rows:
    """Each counted record: its person, its place-and-time context (an index into
    `contexts`: community, component, activity type, month) and the year it happened."""

    person: np.ndarray
    context: np.ndarray
    year: np.ndarray
    contexts: np.ndarray


def _read(
    measure: Measure, records: Any, project: Project, only: tuple[str, list[int]] | None
) -> _Rows:
    def read(*fields: Any) -> np.ndarray:
        if only is None:
            return int_rows(records.values_list(*fields), len(fields))
        path, ids = only
        parts = [
            int_rows(records.filter(**{f"{path}__in": chunk}).values_list(*fields), len(fields))
            for chunk in chunks(ids)
        ]
        return np.concatenate(parts) if parts else np.empty((0, len(fields)), dtype=np.int64)

    if measure.activity:
        # The activity carries place, date, component and type: read them once per activity.
        pairs = read(measure.activity.removesuffix("__") + "_id", measure.person)
        activities = Activity.objects.filter(project=project)
        fields = ("id", "village_id", "component_id", "activity_type_id", "date")
        if only is None:
            acts = sorted(activities.values_list(*fields))
        else:  # catching up a few people or records: only their activities
            wanted = np.unique(pairs[:, 0]).tolist()
            acts = sorted(
                row for chunk in chunks(wanted)
                for row in activities.filter(pk__in=chunk).values_list(*fields)
            )  # fmt: skip
        ids = np.array([a[0] for a in acts], dtype=np.int64)
        table = np.array(
            [(a[1] or 0, a[2] or 0, a[3] or 0, _month(a[4])) for a in acts], dtype=np.int64
        ).reshape(-1, 4)
        contexts, of_activity = np.unique(table, axis=0, return_inverse=True)
        at = np.searchsorted(ids, pairs[:, 0])
        years = np.array([a[4].year for a in acts], dtype=np.int64)
        return _Rows(pairs[:, 1], of_activity.ravel()[at], years[at], contexts)
    table = read(
        measure.person,
        Coalesce(measure.place, Value(0)),
        ExtractYear(measure.date),
        ExtractMonth(measure.date),
    )
    year, month = table[:, 2], table[:, 3]
    zeros = np.zeros(len(table), dtype=np.int64)
    place_and_month = np.column_stack([table[:, 1], zeros, zeros, year * 12 + month - 1])
    contexts, context = np.unique(place_and_month, axis=0, return_inverse=True)
    return _Rows(table[:, 0], context.ravel(), year, contexts)


def _build(
    project: Project,
    definition: dict[str, Any],
    *,
    people: list[int] | None = None,
    records: list[int] | None = None,
) -> dict[tuple[int, ...], BitMap]:
    """The fine cells from SQL: of everyone, or only of `people`, or only of these `records`."""
    measure, counted = indicator_records(
        project=project, definition=definition, start=None, end=None
    )
    only = None
    if people is not None:
        only = (measure.person, people)
    elif records is not None:
        only = ("pk", records)
    rows = _read(measure, counted, project, only)
    if not len(rows.person):
        return {}
    sex, born, disabled = _people_columns(rows.person)
    # One number per fine cell: the context, then her sex, age band and disability.
    bands = len(age_bands()) + 1
    per_context = len(_SEXES) * bands * 2
    band = band_indexes(rows.year, born) + 1
    code = rows.context * per_context + (sex * bands + band) * 2 + disabled
    cells = {}
    for key, ids in bitmaps_by_key(code, rows.person):
        context, rest = divmod(key, per_context)
        community, component, activity_type, month = rows.contexts[context].tolist()
        sex_index, rest = divmod(rest, bands * 2)
        band_index, disability = divmod(rest, 2)
        cells[
            (community, sex_index, band_index - 1, disability, component, activity_type, month)
        ] = ids
    return cells


def _grid_of(cells: dict[tuple[int, ...], BitMap]) -> Grid:
    keys = list(cells)
    return Grid(np.array(keys, dtype=np.int64), [cells[k] for k in keys])


def _marks(measure_code: str) -> dict[str, int]:
    sources = [*SOURCES[measure_code], _PARTICIPANTS]
    return {s.model._meta.label: last_history_id(s.model) for s in sources}


# In this process: the grids last read, with the revision they were read at.
_LOADED: dict[int, tuple[uuid.UUID, Grid]] = {}
# ... and each caught up in memory beyond its stored marks: (when it was built, marks now, grid).
_AHEAD: dict[int, tuple[dt.datetime | None, dict[str, Any], Grid]] = {}
_LOCK = threading.Lock()


def grid_rebuild(*, project: Project, definition: dict[str, Any]) -> Grid:
    """Make the grid of a definition again from SQL (safe at any time)."""
    measure = definition_check(project=project, definition=definition)
    with transaction.atomic():
        marks = _marks(measure.code)
        grid = _grid_of(_build(project, definition))
        stored, _created = IndicatorGrid.objects.update_or_create(
            project=project,
            stamp=_stamp(definition),
            defaults={
                "definition": definition,
                "marks": marks,
                "data": grid.serialize(),
                "built_at": timezone.now(),
                "caught_up_at": timezone.now(),
                "cells": len(grid.bitmaps),
                "revision": uuid.uuid4(),
            },
        )
    with _LOCK:
        _LOADED[stored.pk] = (stored.revision, grid)
    return grid


def _apply(grid: Grid, fresh: dict[tuple[int, ...], BitMap], affected: BitMap) -> Grid:
    """A new grid: the affected people taken out of every cell, then the fresh cells added.

    The grid read is left as it was (another request may hold it); only cells that change
    get a new bitmap.
    """
    keys = list(map(tuple, grid.cells.tolist()))
    bitmaps = [
        bitmap - affected if affected and not bitmap.isdisjoint(affected) else bitmap
        for bitmap in grid.bitmaps
    ]
    at = {key: index for index, key in enumerate(keys)}
    for key, ids in fresh.items():
        if key in at:
            bitmaps[at[key]] = bitmaps[at[key]] | ids
        else:
            keys.append(key)
            bitmaps.append(ids)
    kept = [index for index, bitmap in enumerate(bitmaps) if bitmap]
    after = Grid(np.array([keys[i] for i in kept], dtype=np.int64), [bitmaps[i] for i in kept])
    # The whole-grid splits already worked out follow the same change: the affected people
    # out of every key, then the fresh cells' people in.
    added = _grid_of(fresh)
    # A copy: another thread of this process may be adding a split to the grid meanwhile.
    for by, before in list(grid.whole.items()):
        now = {
            key: ids - affected if affected and not ids.isdisjoint(affected) else ids
            for key, ids in before.items()
        }
        for key, ids in (added.split(np.arange(len(added.cells)), by) if fresh else {}).items():
            now[key] = now[key] | ids if key in now else ids
        after.whole[by] = {key: ids for key, ids in now.items() if ids or not by}
    return after


def _loaded(stored: IndicatorGrid) -> Grid:
    """The stored grid, from this process's memory when it holds the same revision."""
    with _LOCK:
        loaded = _LOADED.get(stored.pk)
    if loaded and loaded[0] == stored.revision:
        return loaded[1]
    grid = Grid.deserialize(bytes(IndicatorGrid.objects.get(pk=stored.pk).data))
    with _LOCK:
        _LOADED[stored.pk] = (stored.revision, grid)
    return grid


def _caught_up(
    project: Project, definition: dict[str, Any], measure: Measure, stored: IndicatorGrid
) -> tuple[Grid, dict[str, Any]]:
    """The stored grid with every change recorded since its marks applied, in memory: the
    grid, and the marks it is now at. Reads only.

    The process keeps the grid it last caught up, so the next reader applies only what
    changed since. It keeps it after the worker saved a newer one too, with the splits it
    already worked out (which a grid read again from the database would work out anew, a
    second at millions of attendances): applying a change twice leaves a grid as it was, so
    going on from marks older than the stored ones is as exact. A rebuild starts afresh."""
    with _LOCK:
        ahead = _AHEAD.get(stored.pk)
    if ahead and ahead[0] == stored.built_at:
        marks, grid = dict(ahead[1]), ahead[2]
    else:
        marks, grid = dict(stored.marks), _loaded(stored)
    affected: set[int] = set()  # people to count again from all their records
    added: set[int] = set()  # new records of the measure, added as they are
    for source in [*SOURCES[measure.code], _PARTICIPANTS]:
        label = source.model._meta.label
        mark, seen = marks.get(label, 0), tuple(marks.get(f"{label}:seen", ()))
        # Every grid of a page reads the participants' history from the same mark: once.
        changes = remembered(
            ("changed", label, mark, seen),
            partial(changed_since, source.model, mark, seen),
        )
        marks[label], marks[f"{label}:seen"] = changes.mark, changes.seen
        if source.records:
            added |= changes.inserted
        if changes.altered:
            affected.update(p for p in source.people(changes.altered) if p is not None)
    if added:
        grid = _apply(grid, _build(project, definition, records=sorted(added)), BitMap())
    if affected:
        fresh = _build(project, definition, people=sorted(affected))
        grid = _apply(grid, fresh, BitMap(affected))
    with _LOCK:
        _AHEAD[stored.pk] = (stored.built_at, marks, grid)
    return grid, marks


def grid_get(*, project: Project, definition: dict[str, Any]) -> Grid:
    """The definition's grid, up to date with every change recorded since it was last refreshed.

    Reads only: the stored grid is caught up in memory (a grid never built is made in memory
    from SQL); the background worker saves the caught-up grid (grid_refresh)."""
    measure = definition_check(project=project, definition=definition)

    def read() -> Grid:
        stored = _stored(project, definition)
        if stored is None:
            return _grid_of(_build(project, definition))
        return _caught_up(project, definition, measure, stored)[0]

    # A page asks for a grid once per figure, split and period: it is read once.
    return remembered(("grid", project.pk, _stamp(definition)), read)


def grid_refresh(*, project: Project, definition: dict[str, Any]) -> Grid:
    """Save the definition's grid caught up with every change since it was last refreshed (or
    build it). Run by the background worker (results_catch_up), never by a reader. What
    changed is worked out before any transaction, so a refresh with nothing to save takes no
    write lock."""
    measure = definition_check(project=project, definition=definition)
    stored = _stored(project, definition)
    if stored is not None:
        grid, marks = _caught_up(project, definition, measure, stored)
        if marks == stored.marks and not _differs(grid, _loaded(stored)):
            return grid
    with transaction.atomic():
        stored = _stored(project, definition, lock=True)
        if stored is None:
            return grid_rebuild(project=project, definition=definition)
        grid, marks = _caught_up(project, definition, measure, stored)
        changed = _differs(grid, _loaded(stored))
        if changed:
            stored.data = grid.serialize()
            stored.cells = len(grid.bitmaps)
            stored.revision = uuid.uuid4()
        stored.marks = marks
        stored.caught_up_at = timezone.now()
        grid_fields = ["data", "cells", "revision"] if changed else []
        stored.save(update_fields=["marks", "caught_up_at", *grid_fields])
    with _LOCK:
        _LOADED[stored.pk] = (stored.revision, grid)
    return grid


def _stored(
    project: Project, definition: dict[str, Any], *, lock: bool = False
) -> IndicatorGrid | None:
    grids = IndicatorGrid.objects.select_for_update() if lock else IndicatorGrid.objects
    return grids.defer("data").filter(project=project, stamp=_stamp(definition)).first()


def _differs(grid: Grid, before: Grid) -> bool:
    if grid is before:
        return False
    return not np.array_equal(grid.cells, before.cells) or any(
        a != b for a, b in zip(grid.bitmaps, before.bitmaps, strict=True)
    )


def _months(start: dt.date | None, end: dt.date | None) -> tuple[int | None, int | None]:
    return (_month(start) if start else None, _month(end) if end else None)


def grid_split(
    *,
    project: Project,
    definition: dict[str, Any],
    by: Sequence[str],
    where: dict[str, str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[tuple[str, ...], FrozenBitMap]:
    """The people in each cell of a grid across the dimensions `by` (none: the total)."""
    measure = definition_check(project=project, definition=definition)
    dimensions_check(measure=measure, dimensions=[*by, *(where or {})])
    grid = grid_get(project=project, definition=definition)
    rows = grid.select(months=_months(start, end), where=where or {})
    return grid.split(rows, by)


def grid_ids(
    *,
    project: Project,
    definition: dict[str, Any],
    where: dict[str, str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> FrozenBitMap:
    """The people behind a figure or one of its cells."""
    return grid_split(
        project=project, definition=definition, by=(), where=where, start=start, end=end
    )[()]


# -- the figures the framework shows ------------------------------------------------------


def figure_and_splits(
    *,
    project: Project,
    definition: dict[str, Any],
    dimensions: Sequence[str],
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> tuple[Decimal | int, dict[str, dict[str, Any]]]:
    """An indicator's figure and its splits: from its grid when it can serve them, else SQL."""
    if not served_by_grid(definition=definition, start=start, end=end):
        value = indicator_value(project=project, definition=definition, start=start, end=end)
        return value, {
            d: indicator_split(
                project=project, definition=definition, dimension=d, start=start, end=end
            )
            for d in dimensions
        }
    grid = grid_get(project=project, definition=definition)
    rows = grid.select(months=_months(start, end), where={})
    splits = {
        d: {key[0]: len(ids) for key, ids in grid.split(rows, (d,)).items()} for d in dimensions
    }
    return len(grid.split(rows, ())[()]), splits


def figure_ids(
    *,
    project: Project,
    definition: dict[str, Any],
    where: dict[str, str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> FrozenBitMap:
    """The people behind a figure or one of its cells: from the grid when it can, else SQL."""
    if served_by_grid(definition=definition, start=start, end=end):
        return grid_ids(project=project, definition=definition, where=where, start=start, end=end)
    people = indicator_people(
        project=project, definition=definition, where=where, start=start, end=end
    )
    return FrozenBitMap(people.values_list("pk", flat=True))
