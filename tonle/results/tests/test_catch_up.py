"""Readers never write: the worker saves the grids caught up, a reader counts the rest.

A reader that saved the caught-up figures took the write lock on every dashboard; now she
counts the few people changed since the worker's last catch-up in memory, exactly, and the
worker (results_catch_up, every few seconds under manage.py run_worker) saves them.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading

import numpy as np
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pyroaring import BitMap, FrozenBitMap

from tonle.lib.testing.queries import writes_of
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.services import attendance_record
from tonle.programs.tests.factories import ActivityFactory
from tonle.results import grid as grids
from tonle.results.grid import Grid, figure_and_splits, grid_get, grid_rebuild
from tonle.results.models import IndicatorGrid
from tonle.results.reach import REACH, reach_figures, sql_reach_total
from tonle.results.services import indicator_save, results_catch_up

WOMEN = {"measure": "people_attending", "filters": {"sex": ["F"]}}


def _tick(world, activity, count):
    for woman in ParticipantFactory.create_batch(count, village=world.village_a, sex="F"):
        attendance_record(by=world.officer_a, activity=activity, participant=woman)


def _stored_total(project, definition=REACH) -> int:
    """The total of the grid as the worker last saved it."""
    stored = IndicatorGrid.objects.get(project=project, definition=definition)
    grid = Grid.deserialize(bytes(stored.data))
    return len(grid.union(range(len(grid.bitmaps))))


def test_the_dashboard_after_a_tick_counts_her_and_saves_nothing(world):
    activity = ActivityFactory(project=world.project_a, date=dt.date(2023, 3, 1))
    _tick(world, activity, 2)
    grid_rebuild(project=world.project_a, definition=REACH)
    saved = IndicatorGrid.objects.get(project=world.project_a)
    _tick(world, activity, 1)

    with CaptureQueriesContext(connection) as queries:
        figures = reach_figures(project=world.project_a)
    assert writes_of(queries) == []
    assert figures.total == sql_reach_total(project=world.project_a) == 3
    assert _stored_total(world.project_a) == 2  # the worker has not caught up yet
    assert IndicatorGrid.objects.get(project=world.project_a).caught_up_at == saved.caught_up_at


def test_a_figure_never_built_is_counted_in_memory_and_not_saved(world):
    activity = ActivityFactory(project=world.project_a, date=dt.date(2023, 3, 1))
    _tick(world, activity, 2)
    with CaptureQueriesContext(connection) as queries:
        total = reach_figures(project=world.project_a).total
        value, _splits = figure_and_splits(project=world.project_a, definition=WOMEN, dimensions=[])
    assert (total, value) == (2, 2) and writes_of(queries) == []
    assert not IndicatorGrid.objects.exists()


def test_the_worker_builds_and_then_catches_up_the_reach_and_each_indicators_grid(world):
    indicator_save(
        project=world.project_a, level="output", code="women", name_en="Women",
        name_km="ស្ត្រី", definition=WOMEN,
    )  # fmt: skip
    indicator_save(
        project=world.project_a, level="output", code="held", name_en="Held",
        name_km="បាន", definition={"measure": "activities"},
    )  # fmt: skip
    activity = ActivityFactory(project=world.project_a, date=dt.date(2023, 3, 1))
    _tick(world, activity, 2)

    done = results_catch_up(projects=[world.project_a])
    # One grid: the indicator of women counts what the dashboard's reach does, and shares its
    # grid; activities are counted in SQL.
    assert done == {"projects": 1, "grids": 1}
    assert _stored_total(world.project_a, WOMEN) == 2
    _tick(world, activity, 3)
    results_catch_up(projects=[world.project_a])

    assert _stored_total(world.project_a, WOMEN) == 5
    assert IndicatorGrid.objects.count() == 1


def test_a_catch_up_with_nothing_new_takes_no_write_lock(world):
    indicator_save(
        project=world.project_a, level="output", code="women", name_en="Women",
        name_km="ស្ត្រី", definition=WOMEN,
    )  # fmt: skip
    activity = ActivityFactory(project=world.project_a, date=dt.date(2023, 3, 1))
    results_catch_up(projects=[world.project_a])
    _tick(world, activity, 2)
    results_catch_up(projects=[world.project_a])
    with CaptureQueriesContext(connection) as queries:
        results_catch_up(projects=[world.project_a])  # the worker's next round: nothing new
    statements = [query["sql"] for query in queries.captured_queries]
    assert writes_of(queries) == [] and not [s for s in statements if "SAVEPOINT" in s]
    assert _stored_total(world.project_a) == 2


def test_a_reader_keeps_the_splits_it_worked_out_when_the_worker_saves_a_newer_grid(world):
    """At millions of attendances a grid read afresh takes a second to split; the worker saving
    every few seconds must not make every dashboard pay it again."""
    activity = ActivityFactory(project=world.project_a, date=dt.date(2023, 3, 1))
    _tick(world, activity, 2)
    grid_rebuild(project=world.project_a, definition=REACH)
    reach_figures(project=world.project_a)
    _tick(world, activity, 1)
    results_catch_up(projects=[world.project_a])  # the worker saves a new revision
    grids._LOADED.clear()  # as in a web process, which never held the worker's grid

    grid = grid_get(project=world.project_a, definition=REACH)
    assert grid.whole[("district",)]  # carried over, not worked out again
    assert reach_figures(project=world.project_a).total == sql_reach_total(project=world.project_a)
    assert _stored_total(world.project_a) == 3


def test_a_grid_caught_up_while_another_thread_works_out_a_split_of_it_is_not_broken():
    """Two requests of one process share the grid: one catching it up (a tick) while the other
    adds a split it worked out (a dashboard) once failed with "dictionary changed size"."""
    grid = grids._grid_of(
        {(1, 1, 0, 0, 0, 0, 0): BitMap([1, 2]), (2, 2, 1, 0, 0, 0, 0): BitMap([3])}
    )
    simple = ["sex", "age_band", "disability", "component", "activity_type", "month", "year"]
    pairs = [(a, b) for a in simple for b in simple if a < b]
    for by in [(), *((d,) for d in simple)]:
        grid.split(np.arange(len(grid.cells)), by)
    stop = threading.Event()

    def another_request() -> None:
        n = 0
        while not stop.is_set():
            grid.whole[pairs[n % len(pairs)]] = {("1", "1"): FrozenBitMap([3])}
            grid.whole.pop(pairs[(n + 7) % len(pairs)], None)
            n += 1

    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can
    thread = threading.Thread(target=another_request)
    thread.start()
    try:
        for _ in range(200):
            grids._apply(grid, {(1, 1, 0, 0, 0, 0, 0): BitMap([4])}, BitMap([2]))
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(before)
