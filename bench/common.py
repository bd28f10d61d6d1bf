"""What the benchmarks share: options, one child process per database, building (or reusing)
the data in a database of its own, fast loaders, the registry's participants, timing, the table.

A benchmark script imports this module (it sits next to it), describes itself with a
`Benchmark` (its sizes and names), and calls `run` with how to build its data and what to
measure.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import math
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
# Django reads its settings once per process, so each database is measured in a child
# process: the script runs itself again with these set.
CHILD_ENV = "TONLE_BENCH_CHILD"
RESULT_ENV = "TONLE_BENCH_RESULT"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "tonle_bench"

Row = dict[str, Any]


# ---------------------------------------------------------------------------------------
# Options.


def bench_parser(description: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    return parser


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options every benchmark has besides --db and its sizes."""
    parser.add_argument(
        "--rebuild", action="store_true", help="build the data again even if it fits"
    )
    parser.add_argument("--repeat", type=int, default=15, help="timed renders of each page")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print the query plan of every query slower than --explain-ms",
    )
    parser.add_argument("--explain-ms", type=float, default=20.0)
    parser.add_argument("--pg-server", default=PG_SERVER, help="PostgreSQL URL without database")


# ---------------------------------------------------------------------------------------
# A benchmark, and the parent: one child per database, then the table.


@dataclass(frozen=True)
class Benchmark:
    """One benchmark script: the sizes of its data, and where that data and its results live.

    `name` prefixes its result files and SQLite folder and suffixes its PostgreSQL database
    ("" for the registry benchmark's plain names). A build of other than the full size gets
    a database of its own, so a smoke run never throws away the full-size one.
    """

    script: str
    name: str
    version: int
    sizes: dict[str, int]
    full_size: bool
    title: str

    @property
    def wanted(self) -> dict[str, Any]:
        """What a finished build must match to be reused."""
        return {"version": self.version, **self.sizes}

    def _prefixed(self, base: str) -> str:
        return f"{self.name}-{base}" if self.name else base

    def result_path(self, db: str) -> Path:
        return OUT_DIR / f"{self._prefixed('result')}-{db}.json"

    def sqlite_dir(self) -> Path:
        return OUT_DIR / "-".join([self._prefixed("sqlite"), *map(str, self.sizes.values())])

    def pg_database(self) -> str:
        name = f"{PG_DATABASE}_{self.name}" if self.name else PG_DATABASE
        return name if self.full_size else "_".join([name, *map(str, self.sizes.values())])


def run(
    bench: Benchmark,
    args: argparse.Namespace,
    *,
    build: Callable[[str, Phases], dict[str, Any] | None],
    measure: Callable[[str], list[Row]],
) -> int:
    """The script's main: the parent runs it once per database, each child measures one."""
    if os.environ.get(CHILD_ENV):
        return run_child(args, wanted=bench.wanted, build=build, measure=measure)
    return run_parent(args, bench)


def run_parent(args: argparse.Namespace, bench: Benchmark) -> int:
    """Run the script again once per database; each child writes its result file."""
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    reports, failed = [], []
    for db in databases:
        result_path = bench.result_path(db)
        result_path.unlink(missing_ok=True)
        env = {**os.environ, "DEBUG": "1", CHILD_ENV: db, RESULT_ENV: str(result_path)}
        env.pop("DATABASE_URL", None)
        if db == "sqlite":
            bench.sqlite_dir().mkdir(parents=True, exist_ok=True)
            env["TONLE_VAR_DIR"] = str(bench.sqlite_dir())
        else:
            env["DATABASE_URL"] = f"{args.pg_server.rstrip('/')}/{bench.pg_database()}"
        print(f"\n=== {db} ===", flush=True)
        code = subprocess.call([sys.executable, bench.script, *sys.argv[1:]], env=env, cwd=ROOT)
        if code != 0 or not result_path.exists():
            failed.append(db)
            print(f"{db}: the benchmark failed (exit {code})", flush=True)
            continue
        reports.append(json.loads(result_path.read_text()))
    print_report(reports, bench.title)
    return 1 if failed else 0


def load_test_children(
    args: argparse.Namespace, *, script: str, name: str, pg_database: str
) -> tuple[list[dict[str, Any]], int]:
    """A load test's parent: the script again in a child per database asked for (Django reads
    its settings once per process), each with a var folder and a result file named `name`;
    the results read back, and the first failing exit code."""
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    results, code = [], 0
    for db in databases:
        result_path = OUT_DIR / f"{name}-result-{db}.json"
        result_path.unlink(missing_ok=True)
        env = {**os.environ, "DEBUG": "1", CHILD_ENV: db, RESULT_ENV: str(result_path),
               "TONLE_VAR_DIR": str(OUT_DIR / f"{name}-{db}")}  # fmt: skip
        env.pop("DATABASE_URL", None)
        if db == "postgres":
            env["DATABASE_URL"] = f"{args.pg_server.rstrip('/')}/{pg_database}"
        print(f"\n=== {db} ===", flush=True)
        child = subprocess.call([sys.executable, script, *sys.argv[1:]], env=env, cwd=ROOT)
        if not result_path.exists():
            print(f"{db}: the load test did not finish (exit {child})")
            code = 1
            continue
        results.append(json.loads(result_path.read_text()))
        code = code or child
    return results, code


def fmt_ms(value: float) -> str:
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def fmt_kb(value: float) -> str:
    return f"{value / 1000:,.1f} KB"


def fmt_mb(value: float) -> str:
    return f"{value:,.0f} MB"


FORMATS = {"bytes": fmt_kb, "MB": fmt_mb}


def print_report(reports: list[dict[str, Any]], title: str) -> None:
    print(f"\n{title}")
    for report in reports:
        load = report["load"]
        phases = ", ".join(f"{k} {v:,.1f} s" for k, v in load["phases"].items())
        how = "reused the database built" if load["reused"] else "built the database"
        print(f"{report['db']:<8}  load: {how} in {load['seconds']:,.1f} s ({phases})")
    print()
    for report in reports:
        for row in report["rows"]:
            fmt = FORMATS.get(row["unit"], fmt_ms)
            if row["target"] is None:
                target, ratio, verdict = "", "", "info"
            else:
                target = f"target {fmt(row['target']).replace('.0 ', ' ')}"
                ratio = f"ratio {row['value'] / row['target']:.2f}"
                verdict = "OK" if missed(row) is False else "MISSED"
            print(
                f"{report['db']:<8}  {row['name']:<24}  {row['stat']:<6} {fmt(row['value']):>11}"
                f"  {target:<16}  {ratio:<11}  {verdict:<6}  {row['detail']}".rstrip()
            )
        print()


# ---------------------------------------------------------------------------------------
# The child: build (or reuse) the data, then measure.


def run_child(
    args: argparse.Namespace,
    *,
    wanted: dict[str, Any],
    build: Callable[[str, Phases], dict[str, Any] | None],
    measure: Callable[[str], list[Row]],
) -> int:
    """Start Django on the child's database, make sure the data is there, measure, write the result.

    `wanted` is what a build is reused for (its data version and sizes); `build(db, phase)`
    makes the data after `migrate` and the gazetteer, marking its phases, and may return more
    facts to keep with the build.
    """
    db = os.environ[CHILD_ENV]
    start_django(db)
    load = ensure_data(db, args, wanted=wanted, build=build)
    rows = measure(db)
    Path(os.environ[RESULT_ENV]).write_text(
        json.dumps({"db": db, "load": load, "rows": rows}, ensure_ascii=False)
    )
    return 0


def start_django(db: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tonle.settings")
    if db == "postgres":
        pg_ensure_database(os.environ["DATABASE_URL"], drop=False)
    import django

    django.setup()
    from django.conf import settings

    # DEBUG=1 only lets the settings start without a SECRET_KEY and keeps the plain static
    # storage (no collectstatic needed); the measured code must run as in production,
    # without the query log and the template debug machinery that DEBUG switches on.
    settings.DEBUG = False
    for engine in settings.TEMPLATES:
        engine.setdefault("OPTIONS", {})["debug"] = False


def log(message: str) -> None:
    print(f"[{os.environ.get(CHILD_ENV, '')}] {message}", flush=True)


def pg_ensure_database(url: str, *, drop: bool) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if drop:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def existing_build(wanted: dict[str, Any]) -> dict[str, Any] | None:
    """The record of a finished build of the same version and sizes, or None."""
    from django.db import connection

    if "bench_meta" not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_meta WHERE name = 'build'")
        row = cursor.fetchone()
    if not row:
        return None
    meta = json.loads(row[0])
    return meta if all(meta.get(k) == v for k, v in wanted.items()) else None


def wipe(db: str) -> None:
    from django.conf import settings
    from django.db import connection

    connection.close()
    if db == "sqlite":
        path = Path(settings.DATABASES["default"]["NAME"])
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        pg_ensure_database(os.environ["DATABASE_URL"], drop=True)


class Phases:
    """The seconds of each step of a build, each from the end of the one before."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.since = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self.since, 2)
        log(f"{name}: {now - self.since:,.1f} s")
        self.since = now


def ensure_data(
    db: str,
    args: argparse.Namespace,
    *,
    wanted: dict[str, Any],
    build: Callable[[str, Phases], dict[str, Any] | None],
) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    meta = None if args.rebuild else existing_build(wanted)
    if meta:
        try:
            # A migration added since the build still applies; on an up-to-date schema
            # this is a no-op.
            call_command("migrate", verbosity=0, interactive=False)
        except Exception as error:
            # Migrations rewritten since the build (squashed, renamed) cannot apply to
            # it: the data is cheap to make again.
            log(f"the built schema no longer migrates ({error}); building again")
            meta = None
    if meta:
        log(f"reusing the data built in {meta['seconds']:,.1f} s on {meta['built_at']}")
        return {"reused": True, "seconds": meta["seconds"], "phases": meta["phases"]}

    log("building the data from scratch")
    wipe(db)
    started = time.perf_counter()
    phase = Phases()
    call_command("migrate", verbosity=0, interactive=False)
    phase("migrate")
    from tonle.geo.services import gazetteer_load

    gazetteer_load()
    phase("gazetteer")
    facts = build(db, phase) or {}
    seconds = round(time.perf_counter() - started, 2)
    meta = {
        **wanted,
        **facts,
        "seconds": seconds,
        "phases": phase.seconds,
        "built_at": dt.datetime.now().isoformat(timespec="seconds"),
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_meta (name varchar(20) PRIMARY KEY, value text NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO bench_meta (name, value) VALUES (%s, %s)", ["build", json.dumps(meta)]
        )
    log(f"data built in {seconds:,.1f} s")
    return {"reused": False, "seconds": seconds, "phases": phase.seconds}


def build_facts() -> dict[str, Any]:
    """What the finished build of this database recorded (its sizes, its phases, ...)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_meta WHERE name = 'build'")
        return json.loads(cursor.fetchone()[0])


# ---------------------------------------------------------------------------------------
# A project and its people.


def create_admin(username: str) -> Any:
    from tonle.accounts.models import Role, User

    admin = User(
        username=username,
        role=Role.ADMINISTRATOR,
        first_name="Bench",
        last_name="Admin",
        is_staff=True,
        is_superuser=True,
    )
    admin.set_unusable_password()
    admin.save()
    return admin


def create_project(
    *, slug: str, name_en: str, name_km: str, starts_on: dt.date, ends_on: dt.date
) -> tuple[Any, list[Any]]:
    """A project of an NGO in the demo's six communities (one village each), through the ORM."""
    from tonle.demo.services import COMMUNITIES
    from tonle.geo.models import Village
    from tonle.programs.models import Organisation, OrganisationKind, Project

    ngo = Organisation.objects.create(
        name_en="Bench Community Organisation",
        name_km="អង្គការសហគមន៍សាកល្បង",
        kind=OrganisationKind.NGO,
    )
    project = Project.objects.create(
        slug=slug,
        name_en=name_en,
        name_km=name_km,
        organisation=ngo,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    villages = [
        Village.objects.filter(commune__code=commune).order_by("code").first()
        for _district, commune in COMMUNITIES
    ]
    project.communities.set(villages)
    return project, villages


PARTICIPANT_FIELDS = [
    "name_km",
    "name_latin",
    "name_km_key",
    "name_latin_key",
    "name_km_skeleton",
    "name_latin_skeleton",
    "sex",
    "date_of_birth",
    "birth_year",
    "village",
    "phone",
    "phone_key",
    "has_disability",
    "has_national_id",
    "consent_given",
    "consent_date",
    "consent_recorded_by",
    "registered_at",
    "registered_by",
]


def participant_rows(
    rng: random.Random,
    *,
    villages: list[int],
    admin_id: int,
    count: int,
    registered: tuple[dt.date, dt.date],
    loader: Loader,
) -> Iterator[tuple]:
    """Women and girls (and a few men), named as in the demo, keys written by the app's own functions.

    They live in the villages in turn and registered between the two dates.
    """
    from tonle.demo.names import FAMILY_NAMES, GIVEN_NAMES
    from tonle.lib.text import phone_key
    from tonle.people.names import name_keys

    true, false, tz = loader.true, loader.false, loader.tz
    first, last = registered
    span = (last - first).days
    prefixes = ["012", "015", "016", "017", "070", "077", "078", "089", "092", "096", "097"]
    for i in range(count):
        family_km, family_latin = rng.choice(FAMILY_NAMES)
        given_km, given_latin = rng.choice(GIVEN_NAMES)
        r = rng.random()
        name_km = f"{family_km} {given_km}" if r > 0.03 else ""
        if r < 0.10 and name_km:
            name_latin = ""
        elif rng.random() < 0.3:
            # Papers often write the family name in capitals: "SOK Sophea".
            name_latin = f"{family_latin.upper()} {given_latin}"
        else:
            name_latin = f"{family_latin} {given_latin}"
        keys = name_keys(name_km=name_km, name_latin=name_latin)  # cached per name
        girl = rng.random() < 0.25
        birth_year = rng.randint(2005, 2012) if girl else rng.randint(1950, 2004)
        born = dt.date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
        phone = ""
        if rng.random() < 0.6:
            digits = f"{rng.choice(prefixes)}{rng.randint(100000, 999999)}"
            style = rng.random()
            if style < 0.2:
                phone = f"{digits[:3]} {digits[3:6]} {digits[6:]}"
            elif style < 0.3:
                phone = f"+855 {digits[1:3]} {digits[3:]}"
            else:
                phone = digits
        day = first + dt.timedelta(days=rng.randint(0, span))
        sex = "F" if rng.random() < 0.975 else rng.choice(["M", "X"])
        yield (
            name_km,
            name_latin,
            keys.km_key,
            keys.latin_key,
            keys.km_skeleton,
            keys.latin_skeleton,
            sex,
            born.isoformat() if rng.random() < 0.4 else None,
            birth_year,
            villages[i % len(villages)],
            phone,
            phone_key(phone),
            true if rng.random() < 0.06 else false,
            true if rng.random() < 0.55 else false,
            true,
            day.isoformat(),
            admin_id,
            f"{day.isoformat()} 08:{rng.randint(0, 59):02d}:00{tz}",
            admin_id,
        )


def bulk_load(
    db: str,
    rng: random.Random,
    phase: Phases,
    *,
    models: list[type],
    people: dict[str, Any],
    then: Callable[[Loader, list[tuple[int, int]]], None],
) -> None:
    """Participants, then the rest, loaded raw in one transaction; then indexes and ANALYZE.

    The plain indexes of the participants and of `models` are dropped first and made again
    at the end. `people` says where the participants live and when they registered (see
    participant_rows); `then(loader, people)` loads the rest, given the participants'
    (id, village id) in id order, and marks its phases.
    """
    from tonle.people.models import Participant

    tables = [model._meta.db_table for model in [Participant, *models]]
    with open_loader(db) as loader:
        for table in tables:
            loader.drop_indexes(table)
        loader.insert_model(
            Participant, PARTICIPANT_FIELDS, participant_rows(rng, loader=loader, **people)
        )
        phase("participants")
        then(loader, loader.fetch(f"SELECT id, village_id FROM {tables[0]} ORDER BY id"))
        loader.restore_indexes()
        phase("indexes")
        loader.commit()
        loader.analyze(tables)
        phase("analyze")


# ---------------------------------------------------------------------------------------
# Loading rows fast, outside the ORM.


def columns(model: type, fields: list[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in fields]


class Loader:
    """A connection of its own that writes rows in bulk, the whole load in one transaction.

    `true`, `false` and `tz` are how a row writes a boolean and a timestamp's time zone.
    Plain indexes are dropped before the load (`drop_indexes`) and made again after
    (`restore_indexes`), sorted once instead of row by row.
    """

    true: object
    false: object
    tz: str
    conn: Any
    dropped: list[str]

    def drop_indexes(self, table: str) -> None: ...
    def insert(self, table: str, cols: list[str], rows: Iterable[tuple]) -> None: ...
    def commit(self) -> None: ...
    def analyze(self, tables: list[str]) -> None: ...

    def insert_model(self, model: type, fields: list[str], rows: Iterable[tuple]) -> None:
        self.insert(model._meta.db_table, columns(model, fields), rows)

    def fetch(self, sql: str) -> list[tuple]:
        return self.conn.execute(sql).fetchall()

    def restore_indexes(self) -> None:
        for sql in self.dropped:
            self.conn.execute(sql)

    def close(self) -> None:
        self.conn.close()


@contextlib.contextmanager
def open_loader(db: str) -> Iterator[Loader]:
    from django.db import connection

    connection.close()
    loader = SqliteLoader() if db == "sqlite" else PostgresLoader()
    try:
        yield loader
    finally:
        loader.close()


class SqliteLoader(Loader):
    """executemany on a connection of its own, the whole load in one transaction."""

    true, false, tz = 1, 0, ""

    def __init__(self) -> None:
        from django.conf import settings

        self.conn = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
        # For the load only: a crash half-way means a rebuild anyway, so nothing needs to
        # reach the disk before the end. A rollback journal instead of WAL writes the new
        # pages once rather than to the WAL and then again to the database.
        self.conn.execute("PRAGMA journal_mode=DELETE")
        self.conn.execute("PRAGMA synchronous=OFF")
        self.conn.execute("PRAGMA cache_size=-1000000")
        self.conn.execute("BEGIN")
        self.dropped: list[str] = []

    def drop_indexes(self, table: str) -> None:
        for name, sql in self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            [table],
        ).fetchall():
            self.conn.execute(f'DROP INDEX "{name}"')
            self.dropped.append(sql)

    def insert(self, table: str, cols: list[str], rows: Iterable[tuple]) -> None:
        marks = ", ".join("?" for _ in cols)
        self.conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def analyze(self, tables: list[str]) -> None:
        self.conn.execute("ANALYZE")
        self.conn.execute("PRAGMA journal_mode=WAL")


class PostgresLoader(Loader):
    """COPY on a psycopg connection of its own, the whole load in one transaction.

    Values go in COPY's text format as str(value): rows must not hold tabs, newlines or
    backslashes.
    """

    true, false, tz = "t", "f", "+00"
    CHUNK = 50_000

    def __init__(self) -> None:
        import psycopg

        self.conn = psycopg.connect(os.environ["DATABASE_URL"])
        # The generated rows are consistent by construction; checking the foreign keys of
        # every row with a trigger would double the load time. The schema is left unchanged.
        self.conn.execute("SET session_replication_role = replica")
        self.conn.execute("SET maintenance_work_mem = '512MB'")
        self.dropped: list[str] = []

    def drop_indexes(self, table: str) -> None:
        # Plain indexes only: those behind a primary key or unique constraint stay.
        rows = self.conn.execute(
            """SELECT i.relname, pg_get_indexdef(i.oid)
                 FROM pg_index x
                 JOIN pg_class i ON i.oid = x.indexrelid
                 JOIN pg_class t ON t.oid = x.indrelid
                WHERE t.relname = %s AND NOT x.indisprimary AND NOT x.indisunique""",
            [table],
        ).fetchall()
        for name, definition in rows:
            self.conn.execute(f'DROP INDEX "{name}"')
            self.dropped.append(definition)

    def insert(self, table: str, cols: list[str], rows: Iterable[tuple]) -> None:
        with (
            self.conn.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy,
        ):
            chunk: list[str] = []
            for row in rows:
                chunk.append("\t".join(r"\N" if v is None else str(v) for v in row))
                if len(chunk) >= self.CHUNK:
                    copy.write("\n".join(chunk) + "\n")
                    chunk = []
            if chunk:
                copy.write("\n".join(chunk) + "\n")

    def commit(self) -> None:
        self.conn.commit()

    def analyze(self, tables: list[str]) -> None:
        # VACUUM too: autovacuum would set the visibility map on a live database soon
        # after, and index-only scans depend on it.
        self.conn.autocommit = True
        for table in tables:
            self.conn.execute(f"VACUUM (ANALYZE) {table}")
        self.conn.execute("ANALYZE")


# ---------------------------------------------------------------------------------------
# Measuring.


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Milliseconds of wall clock a call takes, and what it returned."""
    t = time.perf_counter()
    result = fn()
    return (time.perf_counter() - t) * 1000, result


def timings(fn: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of each of `repeat` calls, after one call that is not timed (a warm-up)."""
    fn()
    return [timed(fn)[0] for _ in range(repeat)]


def row(
    name: str, stat: str, value: float, unit: str, target: float | None, detail: str = ""
) -> Row:
    return {
        "name": name,
        "stat": stat,
        "value": value,
        "unit": unit,
        "target": target,
        "detail": detail,
    }


def median_row(name: str, times: list[float], target: float | None, detail: str) -> Row:
    return row(name, "median", statistics.median(times), "ms", target, detail)


def missed(result: Row) -> bool | None:
    """Whether the row missed its target; None when it has none."""
    if result["target"] is None:
        return None
    return not result["value"] < result["target"]


def p90(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.9 * len(values)) - 1)]


def page_getter(client: Any) -> Callable[..., bytes]:
    """GET through a django.test.Client; anything but a 200 stops the benchmark."""

    def page(url: str, data: dict | None = None) -> bytes:
        response = client.get(url, data)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response.content

    return page


def captured_queries(fn: Callable[[], object]) -> list[dict[str, str]]:
    """The SQL a call runs, each query with its time in seconds (Django's query log)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return captured.captured_queries


def explain_queries(
    db: str, cases: list[tuple[str, Callable[[], object]]], *, min_ms: float
) -> None:
    """Print the plan of each query of each case that takes `min_ms` or longer.

    In the order the queries ran; PostgreSQL runs each again under EXPLAIN ANALYZE.
    """
    from django.db import connection

    for label, fn in cases:
        for query in captured_queries(fn):
            ms = float(query["time"]) * 1000
            if ms < min_ms:
                continue
            sql = query["sql"]
            prefix = "EXPLAIN QUERY PLAN " if db == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
            with connection.cursor() as cursor:
                cursor.execute(prefix + sql)
                plan = cursor.fetchall()
            print(f"\n--- {db}: {label}: {ms:,.0f} ms\n{sql}\n")
            for line in plan:
                print("  " + " | ".join(str(part) for part in line))
    sys.stdout.flush()


# ---------------------------------------------------------------------------------------
# A server on loopback for the load tests (load.py, public_load.py): a fresh database, gunicorn
# in a session of its own, its health, and the percentiles of what the clients saw.


def fresh_database(db: str, var: Path) -> None:
    var.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            (var / f"tonle.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        pg_ensure_database(os.environ["DATABASE_URL"], drop=True)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tonle.settings")
    import django

    django.setup()


def pg_drop(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_start(
    command: list[str], env: dict[str, str], logfile: Path
) -> subprocess.Popen[bytes]:
    out = logfile.open("wb")
    # A session of its own, so stopping it stops its children (gunicorn's and the worker's).
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip


def process_stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def gunicorn_command(port: int, workers: int, threads: int) -> list[str]:
    """gunicorn serving Tonle on 127.0.0.1:port, as `make run` does."""
    return [str(ROOT / ".venv" / "bin" / "gunicorn"), "tonle.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
            "--timeout", "120",
            # Not the default socket in the home folder, which other servers share.
            "--no-control-socket"]  # fmt: skip


def server_wait_healthy(port: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within 90 s (see its log in the var folder)")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]
