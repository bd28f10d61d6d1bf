"""Measure the results framework's grid, roll-ups and drill-through against DuckDB and numpy.

Reuses the registry benchmark's data (`make bench` builds it): the same sizes, the same
SQLite folder and PostgreSQL database. It never builds data; when the build is missing it
says so and stops.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import random
import resource
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from common import (
    CHILD_ENV,
    OUT_DIR,
    PG_SERVER,
    Benchmark,
    Phases,
    Row,
    bench_parser,
    existing_build,
    fmt_ms,
    log,
    row,
    run,
    start_django,
    timed,
)
from registry_and_reach import (
    ATTENDEES_PER_ACTIVITY,
    PROJECT_SLUG,
    add_size_options,
)
from registry_and_reach import benchmark as registry_benchmark

TARGET_GRID_RATIO = 2.0  # the grid within twice DuckDB's time for the same grid
TARGET_ROLLUP_MS = 50.0
TARGET_DRILL_MS = 200.0
# Women and girls, as the baselines count them: the dashboard's reach (reach.REACH).
DEFINITION = {"measure": "people_attending", "filters": {"sex": ["F"]}}
TARGET_UPDATE_MS = 2000.0
TARGET_MEMORY_MB = 1024.0
NEW_ATTENDANCES = 10_000
SLOW_MS = 2000.0
SPLIT_DIMENSIONS = ["district", "age_band", "activity_type", "quarter"]


@dataclasses.dataclass(frozen=True)
class GridBenchmark(Benchmark):
    """The registry benchmark's data under a result file of its own."""

    def result_path(self, db: str) -> Path:
        return OUT_DIR / f"grid-result-{db}.json"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = bench_parser(__doc__)
    add_size_options(parser)
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs of each app query (after a warm-up)"
    )
    parser.add_argument(
        "--baseline-repeat", type=int, default=5, help="timed runs of each DuckDB/numpy query"
    )
    parser.add_argument("--pg-server", default=PG_SERVER, help="PostgreSQL URL without database")
    parser.add_argument(
        "--sql",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time the plain SQL splits (the truth; about a minute on SQLite)",
    )
    args = parser.parse_args(argv)
    if args.activities is None:
        args.activities = max(1, args.attendances // ATTENDEES_PER_ACTIVITY)
    args.rebuild = False  # this benchmark only ever reuses a build
    return args


def benchmark(args: argparse.Namespace) -> GridBenchmark:
    base = registry_benchmark(args)
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    fields["script"] = __file__
    fields["title"] = "Tonle grid benchmark (results framework), on the registry data: " + (
        f"{args.people:,} participants, {args.attendances:,} attendances, "
        f"{args.activities:,} activities"
    )
    return GridBenchmark(**fields)


def main() -> int:
    args = parse_args()
    bench = benchmark(args)
    db = os.environ.get(CHILD_ENV)
    if db and not data_present(db, bench):
        return 2
    return run(bench, args, build=refuse_build, measure=lambda db: measure(args))


def data_present(db: str, bench: Benchmark) -> bool:
    """Whether the registry benchmark's build of these sizes is there (checked before
    `run` would otherwise wipe the database to build it)."""
    from django.conf import settings
    from django.core.management import call_command

    start_django(db)
    message = (
        f"[{db}] no registry benchmark data of these sizes ({bench.sizes}); "
        "run `make bench` first (or bench/registry_and_reach.py with the same sizes)"
    )
    if db == "sqlite" and not Path(settings.DATABASES["default"]["NAME"]).exists():
        print(message, file=sys.stderr, flush=True)
        return False
    if existing_build(bench.wanted) is None:
        print(message, file=sys.stderr, flush=True)
        return False
    try:
        call_command("migrate", verbosity=0, interactive=False)
    except Exception as error:
        print(f"{message}\n(the built schema no longer migrates: {error})", file=sys.stderr)
        return False
    return True


def refuse_build(db: str, phase: Phases) -> None:
    raise SystemExit(f"[{db}] the grid benchmark does not build data: run `make bench` first")


# ---------------------------------------------------------------------------------------
# Measuring.


def median_ms(fn: Callable[[], object], repeat: int) -> tuple[float, list[float], object]:
    """Median milliseconds of `repeat` calls after one warm-up, all times, the last result.

    A call whose warm-up took over SLOW_MS is timed once more only (the full-size SQL of a
    split can take tens of seconds).
    """
    warm_ms, result = timed(fn)
    times = []
    for _ in range(1 if warm_ms > SLOW_MS else repeat):
        ms, result = timed(fn)
        times.append(ms)
    return statistics.median(times), times, result


def measure(args: argparse.Namespace) -> list[Row]:
    from tonle.programs.models import Project

    project = Project.objects.get(slug=PROJECT_SLUG)
    # The engine first, so the peak memory after it is the engine's own (Django, the grid).
    engine_rows, engine_grid = engine(project, args.repeat)
    engine_rows.append(
        row(
            "engine-peak-memory",
            "max",
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "MB",
            TARGET_MEMORY_MB,
            "peak RSS of the process after building, reading and updating the grid",
        )
    )
    facts = load_arrays(project)
    log(
        f"loaded {facts['rows']:,} attendances of women and girls in {facts['load_ms']:,.0f} ms "
        f"({facts['people']:,} women)"
    )
    duck = duckdb_baseline(facts, args.baseline_repeat)
    grid_ms = duck["grid_ms"]
    log(f"duckdb grid: {fmt_ms(grid_ms)}, {duck['cells']:,} cells")
    numpy_rows = numpy_baseline(facts, duck, args.baseline_repeat)
    same = engine_grid == duck["grid"]
    engine_rows[2]["target"] = TARGET_GRID_RATIO * grid_ms
    engine_rows[2]["detail"] += (
        ", the same counts as DuckDB" if same else ", NOT the same counts as DuckDB"
    )
    app_rows = app_sql(project, facts, duck, args.repeat) if args.sql else []

    def vs_duck(ms: float) -> str:
        return f"{ms / grid_ms:,.2f}× DuckDB grid"

    rows = [
        row(
            "load-arrays",
            "once",
            facts["load_ms"],
            "ms",
            None,
            f"{vs_duck(facts['load_ms'])}; the attendances and activities into numpy (bitmaps.int_rows): "
            f"{facts['rows']:,} rows, {facts['people']:,} women",
        ),
        row(
            "duckdb-table",
            "once",
            duck["table_ms"],
            "ms",
            None,
            f"{vs_duck(duck['table_ms'])}; CREATE TABLE from the registered numpy arrays",
        ),
        row(
            "duckdb-grid",
            "median",
            grid_ms,
            "ms",
            None,
            f"1.00× (the reference); GROUP BY district, age band, type, quarter: "
            f"{duck['cells']:,} cells; {args.baseline_repeat} runs, max {fmt_ms(max(duck['grid_times']))}",
        ),
        row(
            "duckdb-total",
            "median",
            duck["total_ms"],
            "ms",
            TARGET_ROLLUP_MS,
            f"{vs_duck(duck['total_ms'])}; count(DISTINCT participant) = {duck['total']:,}",
        ),
        row(
            "duckdb-district",
            "median",
            duck["district_ms"],
            "ms",
            TARGET_ROLLUP_MS,
            f"{vs_duck(duck['district_ms'])}; district {facts['district']}: "
            f"{duck['district_total']:,} women",
        ),
        *numpy_rows,
        *engine_rows,
        *app_rows,
        row(
            "peak-memory",
            "max",
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "MB",
            None,
            "the whole benchmark process: the engine, then the arrays and DuckDB's table",
        ),
    ]
    for r in rows:
        if r["unit"] == "ms" and r["name"] != "duckdb-grid" and "DuckDB grid" not in r["detail"]:
            r["detail"] = f"{vs_duck(r['value'])}; {r['detail']}"
    return rows


def load_arrays(project: Any) -> dict[str, Any]:
    """The baselines' own load: each attendance of a woman or girl with its activity's keys,
    read through the same cursor reader the grid uses (bitmaps.int_rows)."""
    from django.db.models import Value
    from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

    from tonle.people.ages import age_bands
    from tonle.programs.models import Activity, Attendance
    from tonle.results.bitmaps import band_indexes, int_rows

    def load() -> tuple[np.ndarray, np.ndarray]:
        activities = Activity.objects.filter(project=project).order_by("id")
        attendances = Attendance.objects.filter(activity__project=project, participant__sex="F")
        return (
            int_rows(
                activities.values_list(
                    "id", "village__commune__district_id", "activity_type_id",
                    ExtractYear("date"), ExtractMonth("date"),
                ),
                5,
            ),
            int_rows(
                attendances.values_list(
                    "activity_id", "participant_id", Coalesce("participant__birth_year", Value(0))
                ),
                3,
            ),
        )  # fmt: skip

    load_ms, (activities, rows) = timed(load)
    at = np.searchsorted(activities[:, 0], rows[:, 0])
    years = activities[:, 3]
    quarters = years * 10 + (activities[:, 4] - 1) // 3 + 1
    people = rows[:, 1].astype(np.int32)
    born = rows[:, 2]
    bands = age_bands()
    band = band_indexes(years[at], born).astype(np.int32)
    band[band < 0] = len(bands)  # the last index: unknown
    districts = np.unique(activities[:, 1])
    del rows
    return {
        "load_ms": load_ms,
        "rows": len(people),
        "people": len(np.unique(people)),
        "participant": people,
        "district": int(districts[0]),
        "bands": bands,
        "columns": {
            "participant": people,
            "district": activities[:, 1][at].astype(np.int32),
            "band": band,
            "activity_type": activities[:, 2][at].astype(np.int32),
            "quarter": quarters[at].astype(np.int32),
            "activity": activities[:, 0][at].astype(np.int32),
            "birth_year": born.astype(np.int32),
            "year": years[at].astype(np.int32),
        },
    }


def duckdb_baseline(facts: dict[str, Any], repeat: int) -> dict[str, Any]:
    """DuckDB on the same rows: the grid, the total and one district, the query alone timed."""
    import duckdb

    con = duckdb.connect()
    con.register("src", facts["columns"])
    table_ms, _ = timed(lambda: con.execute("CREATE TABLE att AS SELECT * FROM src"))
    con.unregister("src")
    # The age band from the year of the activity and the year of birth in the query itself.
    whens = " ".join(
        f"WHEN year - birth_year >= {b.low}"
        + (f" AND year - birth_year <= {b.high}" if b.high is not None else "")
        + f" THEN {i}"
        for i, b in enumerate(facts["bands"])
    )
    band = f"CASE WHEN birth_year = 0 THEN {len(facts['bands'])} {whens} ELSE {len(facts['bands'])} END"
    grid_sql = (
        f"SELECT district, {band} AS age_band, activity_type, quarter, "
        "count(DISTINCT participant) FROM att GROUP BY ALL"
    )
    grid_ms, grid_times, grid = median_ms(lambda: con.execute(grid_sql).fetchall(), repeat)
    total_ms, _, total = median_ms(
        lambda: con.execute("SELECT count(DISTINCT participant) FROM att").fetchone()[0], repeat
    )
    district_ms, _, district_total = median_ms(
        lambda: con.execute(
            "SELECT count(DISTINCT participant) FROM att WHERE district = ?", [facts["district"]]
        ).fetchone()[0],
        repeat,
    )
    con.close()
    return {
        "table_ms": table_ms,
        "grid_ms": grid_ms,
        "grid_times": grid_times,
        "cells": len(grid),
        "grid": {tuple(r[:4]): r[4] for r in grid},
        "total_ms": total_ms,
        "total": total,
        "district_ms": district_ms,
        "district_total": district_total,
    }


def numpy_baseline(facts: dict[str, Any], duck: dict[str, Any], repeat: int) -> list[Row]:
    """The same grid with numpy: one code a cell, unique (cell, woman) pairs, bincount.

    The keys are dictionary-coded first (not timed, as a column store keeps them), so the
    cell codes are dense: district, band, type and quarter each numbered from 0.
    """
    c = facts["columns"]
    names = ("district", "band", "activity_type", "quarter")
    values, codes = {}, {}
    for name in names:
        values[name], inverse = np.unique(c[name], return_inverse=True)
        codes[name] = inverse.astype(np.int64)
    sizes = [len(values[name]) for name in names]
    people = c["participant"].astype(np.int64)

    def grid() -> tuple[np.ndarray, np.ndarray]:
        cell = codes["district"]
        for name, size in zip(names[1:], sizes[1:], strict=True):
            cell = cell * size + codes[name]
        pairs = np.unique((cell << 32) | people)
        counts = np.bincount(pairs >> 32)
        cells = np.flatnonzero(counts)
        return cells, counts[cells]

    ms, times, (cells, counts) = median_ms(grid, repeat)
    # Check it against DuckDB cell by cell.
    decoded = {}
    for code, count in zip(cells.tolist(), counts.tolist(), strict=True):
        key = []
        for name, size in zip(reversed(names), reversed(sizes), strict=True):
            code, part = divmod(code, size)
            key.append(int(values[name][part]))
        decoded[tuple(reversed(key))] = count
    same = decoded == duck["grid"]
    total_ms, _, total = median_ms(lambda: len(np.unique(c["participant"])), repeat)
    district_ms, _, district_total = median_ms(
        lambda: len(np.unique(c["participant"][c["district"] == facts["district"]])), repeat
    )
    return [
        row(
            "numpy-grid",
            "median",
            ms,
            "ms",
            None,
            f"np.unique of (cell, woman) pairs + bincount: {len(cells):,} cells, "
            f"{'the same counts as DuckDB' if same else 'NOT the same counts as DuckDB'}; "
            f"max {fmt_ms(max(times))}",
        ),
        row(
            "numpy-total",
            "median",
            total_ms,
            "ms",
            TARGET_ROLLUP_MS,
            f"len(np.unique(participant)) = {total:,}",
        ),
        row(
            "numpy-district",
            "median",
            district_ms,
            "ms",
            TARGET_ROLLUP_MS,
            f"district {facts['district']}: {district_total:,} women",
        ),
    ]


def engine(project: Any, repeat: int) -> tuple[list[Row], dict[tuple[int, ...], int]]:
    """The indicator grid (tonle.results.grid): built, queried, then caught up after new rows.

    Also returns the cross grid's counts, keyed as the DuckDB baseline keys them."""
    from django.db.models import Min

    from tonle.people.ages import age_bands
    from tonle.programs.models import Activity
    from tonle.results.grid import Grid, grid_ids, grid_rebuild, grid_split
    from tonle.results.models import IndicatorGrid

    scope = {"project": project, "definition": DEFINITION}
    build_ms, grid = timed(lambda: grid_rebuild(**scope))
    stored = IndicatorGrid.objects.get(project=project, definition=DEFINITION)
    size_mb = len(stored.data) / 2**20
    log(f"grid build: {fmt_ms(build_ms)}, {len(grid.bitmaps):,} fine cells, {size_mb:,.1f} MB")
    load_ms, _ = timed(lambda: Grid.deserialize(bytes(stored.data)))
    by = ("district", "age_band", "activity_type", "quarter")
    ms, times, cells = median_ms(lambda: grid_split(by=by, **scope), repeat)
    bands = {b.code: i for i, b in enumerate(age_bands())}
    counted = {
        (int(d), bands.get(band, len(bands)), int(t), int(q[:4]) * 10 + int(q[-1])): len(ids)
        for (d, band, t, q), ids in cells.items()
    }
    first = Activity.objects.filter(project=project).aggregate(
        d=Min("village__commune__district_id")
    )
    key = str(first["d"])
    rows = [
        row("engine-build", "once", build_ms, "ms", None,
            f"grid_rebuild from SQL: {len(grid.bitmaps):,} fine cells, {size_mb:,.1f} MB stored"),
        row("engine-load", "once", load_ms, "ms", None,
            "Grid.deserialize: what another process pays once to read it"),
        row("engine-grid", "median", ms, "ms", None,  # its target is set once DuckDB has run
            f"grid_split by {', '.join(by)}: {len(cells):,} cells; max {fmt_ms(max(times))}"),
    ]  # fmt: skip
    ms, times, total = median_ms(lambda: len(grid_ids(**scope)), repeat)
    rows.append(
        row("engine-total", "median", ms, "ms", TARGET_ROLLUP_MS,
            f"len(grid_ids) = {total:,}; max {fmt_ms(max(times))}")
    )  # fmt: skip
    where = {"district": key}
    ms, times, district = median_ms(lambda: len(grid_ids(where=where, **scope)), repeat)
    rows.append(
        row("engine-district", "median", ms, "ms", TARGET_ROLLUP_MS,
            f"district {key}: {district:,} women; max {fmt_ms(max(times))}")
    )  # fmt: skip
    quarter = {"start": dt.date(2023, 1, 1), "end": dt.date(2023, 3, 31)}
    ms, times, cross = median_ms(
        lambda: grid_split(by=("age_band",), where=where, **quarter, **scope), repeat
    )
    rows.append(
        row("engine-rollup-2d", "median", ms, "ms", TARGET_ROLLUP_MS,
            f"district {key} in Q1 2023 by age band: {len(cross)} cells; max {fmt_ms(max(times))}")
    )  # fmt: skip
    ms, times, ids = median_ms(lambda: list(grid_ids(where=where, **scope)), repeat)
    rows.append(
        row("engine-drill", "median", ms, "ms", TARGET_DRILL_MS,
            f"list(grid_ids(where={where})): {len(ids):,} ids; max {fmt_ms(max(times))}")
    )  # fmt: skip
    rows.append(_engine_update(project, scope))
    return rows, counted


def _engine_update(project: Any, scope: dict[str, Any]) -> Row:
    """10,000 new attendances (50 trainings of 200), recorded with their history as the app
    does; the next read of the grid catches up. Removed afterwards, history and all."""
    from django.db import transaction
    from simple_history.utils import bulk_create_with_history

    from tonle.people.models import Participant, Sex
    from tonle.programs.models import Activity, Attendance
    from tonle.results.grid import grid_get, grid_ids
    from tonle.results.indicators import indicator_value

    template = Activity.objects.filter(project=project).order_by("id").first()
    women = list(
        Participant.objects.filter(sex=Sex.FEMALE)
        .order_by("?")
        .values_list("id", flat=True)[: NEW_ATTENDANCES // 50 * 20]
    )
    rng = random.Random(7)
    december = {"start": dt.date(2023, 12, 1), "end": dt.date(2023, 12, 31)}
    before = len(grid_ids(**december, **scope))
    with transaction.atomic():
        activities = bulk_create_with_history(
            [
                Activity(project=project, component_id=template.component_id,
                         activity_type_id=template.activity_type_id, topic_id=template.topic_id,
                         village_id=template.village_id, name_en=f"Bench training {i}",
                         name_km=f"វគ្គ {i}", date=dt.date(2023, 12, 1 + i % 28))
                for i in range(50)
            ],
            Activity,
        )  # fmt: skip
        bulk_create_with_history(
            [
                Attendance(activity=activity, participant_id=woman)
                for activity in activities
                for woman in rng.sample(women, NEW_ATTENDANCES // 50)
            ],
            Attendance,
            batch_size=1000,
        )
    ms, _ = timed(lambda: grid_get(**scope))
    after = len(grid_ids(**december, **scope))
    truth = indicator_value(**december, **scope)
    with transaction.atomic():
        ids = [a.pk for a in activities]
        # The records first (their deletion writes history too), then all their history.
        Attendance.objects.filter(activity_id__in=ids).delete()
        Activity.objects.filter(id__in=ids).delete()
        Attendance.history.filter(activity_id__in=ids).delete()
        Activity.history.filter(id__in=ids).delete()
    return row(
        "engine-update", "once", ms, "ms", TARGET_UPDATE_MS,
        f"grid_get after {NEW_ATTENDANCES:,} new attendances in 50 trainings: December 2023 "
        f"{before:,} -> {after:,} women (SQL says {truth:,}{'' if truth == after else ': DIFFERENT'})",
    )  # fmt: skip


def app_sql(project: Any, facts: dict[str, Any], duck: dict[str, Any], repeat: int) -> list[Row]:
    """The app's SQL engine (tonle.results.indicators) on the same data."""
    from tonle.results.indicators import indicator_people, indicator_split, indicator_value

    rows = []
    note = "plain SQL COUNT(DISTINCT)"
    ms, times, total = median_ms(
        lambda: indicator_value(project=project, definition=DEFINITION), repeat
    )
    rows.append(
        row(
            "app-total",
            "median",
            ms,
            "ms",
            TARGET_ROLLUP_MS,
            f"indicator_value = {total:,} ({note}); max {fmt_ms(max(times))}",
        )
    )
    log(f"app-total: {fmt_ms(ms)}")
    split_ms: dict[str, float] = {}
    runs: dict[str, int] = {}
    splits: dict[str, dict[str, Any]] = {}
    for dimension in SPLIT_DIMENSIONS:
        ms, times, cells = median_ms(
            lambda d=dimension: indicator_split(
                project=project, definition=DEFINITION, dimension=d
            ),
            repeat,
        )
        split_ms[dimension], splits[dimension] = ms, cells
        runs[dimension] = len(times)
        log(f"app split by {dimension}: {fmt_ms(ms)}, {len(cells)} cells")
    key = str(facts["district"])
    rows.append(
        row(
            "app-district",
            "median",
            split_ms["district"],
            "ms",
            TARGET_ROLLUP_MS,
            f"indicator_split by district (the roll-up): {len(splits['district'])} cells, "
            f"district {key}: {splits['district'].get(key, 0):,}",
        )
    )
    grid_ms = sum(split_ms.values())
    rows.append(
        row(
            "app-grid (4 splits)",
            "sum",
            grid_ms,
            "ms",
            TARGET_GRID_RATIO * duck["grid_ms"],
            "per-dimension splits, not the cross grid (no cross-grid API): "
            + ", ".join(
                f"{d} {fmt_ms(split_ms[d])} ({len(splits[d])} cells)" for d in SPLIT_DIMENSIONS
            )
            + f"; target 2× DuckDB's {duck['cells']:,}-cell grid",
        )
    )
    for dimension in SPLIT_DIMENSIONS[1:]:
        rows.append(
            row(
                f"  split {dimension}",
                "median",
                split_ms[dimension],
                "ms",
                None,
                f"indicator_split by {dimension}: {len(splits[dimension])} cells; "
                f"{runs[dimension]} timed run(s) after a warm-up",
            )
        )

    def drill() -> list[int]:
        return list(
            indicator_people(
                project=project, definition=DEFINITION, dimension="district", key=key
            ).values_list("id", flat=True)
        )

    ms, times, ids = median_ms(drill, repeat)
    rows.append(
        row(
            "app-drill-district",
            "median",
            ms,
            "ms",
            TARGET_DRILL_MS,
            f"indicator_people(dimension='district', key='{key}') to a list of ids: "
            f"{len(ids):,} women; max {fmt_ms(max(times))}",
        )
    )
    log(f"app drill-through: {fmt_ms(ms)}, {len(ids):,} ids")
    return rows


if __name__ == "__main__":
    sys.exit(main())
