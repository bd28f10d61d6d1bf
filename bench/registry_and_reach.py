"""Measure registry search, unique reach, the attendance page and page weight at scale, on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
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

DEFAULT_PEOPLE = 300_000
DEFAULT_ATTENDANCES = 5_000_000
# 5,000,000 attendances over ~20,000 activities, as the issue sizes it.
ATTENDEES_PER_ACTIVITY = 250
PINNED_SIZE = 300
PINNED_TITLE = "Bench: the activity of 300"
PROJECT_SLUG = "bench-reach"
ADMIN_USERNAME = "bench-admin"
START, END = dt.date(2015, 1, 1), dt.date(2024, 12, 31)
SEED = 20250101
# Bump when the generated data changes shape, so an old build is not reused.
DATA_VERSION = 1

TARGET_SEARCH_MS = 100.0
TARGET_REACH_MS = 1000.0
TARGET_PAGE_MS = 200.0
TARGET_WEIGHT_BYTES = 150_000  # 1 KB = 1000 bytes, the stricter reading of "150 KB"

# Names of women who are not in the generated registry: a search for someone not yet
# registered finds nobody, so it cannot stop early at the 50th match; without an index
# that serves "contains", it reads every key.
MISSING_LATIN = ["Vuthy", "Rithy", "Bunthoeun", "Sovannara"]
MISSING_KHMER = ["វុទ្ធី", "ឫទ្ធី", "ប៊ុនធឿន", "សុវណ្ណារ៉ា"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE)
    parser.add_argument("--attendances", type=int, default=DEFAULT_ATTENDANCES)
    parser.add_argument(
        "--activities",
        type=int,
        default=None,
        help=f"default: attendances / {ATTENDEES_PER_ACTIVITY} (20,000 at full size)",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="build the data again even if it fits"
    )
    parser.add_argument("--repeat", type=int, default=15, help="timed renders of each page")
    parser.add_argument("--reach-repeat", type=int, default=3, help="timed runs of reach_figures")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print the query plan of every query slower than --explain-ms",
    )
    parser.add_argument("--explain-ms", type=float, default=20.0)
    parser.add_argument(
        "--sql-reach",
        action="store_true",
        help="also time the figures straight from SQL (sql_reach_figures), query by query",
    )
    parser.add_argument("--pg-server", default=PG_SERVER, help="PostgreSQL URL without database")
    args = parser.parse_args(argv)
    if args.activities is None:
        args.activities = max(1, args.attendances // ATTENDEES_PER_ACTIVITY)
    if args.people < 6 * PINNED_SIZE:
        parser.error(f"--people must be at least {6 * PINNED_SIZE} (one village holds 300)")
    if args.attendances < PINNED_SIZE + args.activities - 1:
        parser.error("--attendances is too small for that many activities")
    return args


def is_default_size(args: argparse.Namespace) -> bool:
    return (args.people, args.attendances) == (DEFAULT_PEOPLE, DEFAULT_ATTENDANCES)


def sqlite_dir(args: argparse.Namespace) -> Path:
    return OUT_DIR / f"sqlite-{args.people}-{args.attendances}-{args.activities}"


def pg_database(args: argparse.Namespace) -> str:
    # The full-size build keeps the plain name; a smoke run gets its own database so it
    # never throws away the full-size one.
    if is_default_size(args) and args.activities == DEFAULT_ATTENDANCES // ATTENDEES_PER_ACTIVITY:
        return PG_DATABASE
    return f"{PG_DATABASE}_{args.people}_{args.attendances}_{args.activities}"


# ---------------------------------------------------------------------------------------
# The parent: one child per database, then the table.


def parent(args: argparse.Namespace) -> int:
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    reports, failed = [], []
    for db in databases:
        result_path = OUT_DIR / f"result-{db}.json"
        result_path.unlink(missing_ok=True)
        env = {**os.environ, "DEBUG": "1", CHILD_ENV: db, RESULT_ENV: str(result_path)}
        env.pop("DATABASE_URL", None)
        if db == "sqlite":
            sqlite_dir(args).mkdir(parents=True, exist_ok=True)
            env["TONLE_VAR_DIR"] = str(sqlite_dir(args))
        else:
            env["DATABASE_URL"] = f"{args.pg_server.rstrip('/')}/{pg_database(args)}"
        print(f"\n=== {db} ===", flush=True)
        code = subprocess.call([sys.executable, __file__, *sys.argv[1:]], env=env, cwd=ROOT)
        if code != 0 or not result_path.exists():
            failed.append(db)
            print(f"{db}: the benchmark failed (exit {code})", flush=True)
            continue
        reports.append(json.loads(result_path.read_text()))
    print_report(reports, args)
    return 1 if failed else 0


def _ms(value: float) -> str:
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def _kb(value: float) -> str:
    return f"{value / 1000:,.1f} KB"


def print_report(reports: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(
        f"\nTonle benchmark: {args.people:,} participants, {args.attendances:,} attendances, "
        f"{args.activities:,} activities"
    )
    for report in reports:
        load = report["load"]
        phases = ", ".join(f"{k} {v:,.1f} s" for k, v in load["phases"].items())
        how = "reused the database built" if load["reused"] else "built the database"
        print(f"{report['db']:<8}  load: {how} in {load['seconds']:,.1f} s ({phases})")
    print()
    for report in reports:
        for row in report["rows"]:
            fmt = _kb if row["unit"] == "bytes" else _ms
            if row["target"] is None:
                target, ratio, verdict = "", "", "info"
            else:
                target = f"target {fmt(row['target']).replace('.0 ', ' ')}"
                ratio = f"ratio {row['value'] / row['target']:.2f}"
                verdict = "OK" if row["value"] < row["target"] else "MISSED"
            print(
                f"{report['db']:<8}  {row['name']:<24}  {row['stat']:<6} {fmt(row['value']):>11}"
                f"  {target:<16}  {ratio:<11}  {verdict:<6}  {row['detail']}".rstrip()
            )
        print()


# ---------------------------------------------------------------------------------------
# The child: build (or reuse) the data, then measure.


def child(args: argparse.Namespace) -> int:
    db = os.environ[CHILD_ENV]
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

    load = ensure_data(db, args)
    rows = measure(args)
    if args.explain:
        explain_slow_queries(db, args)
    Path(os.environ[RESULT_ENV]).write_text(
        json.dumps({"db": db, "load": load, "rows": rows}, ensure_ascii=False)
    )
    return 0


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


def existing_build(args: argparse.Namespace) -> dict[str, Any] | None:
    """The record of a finished build of the same size, or None."""
    from django.db import connection

    if "bench_meta" not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_meta WHERE name = 'build'")
        row = cursor.fetchone()
    if not row:
        return None
    meta = json.loads(row[0])
    wanted = {
        "version": DATA_VERSION,
        "people": args.people,
        "attendances": args.attendances,
        "activities": args.activities,
    }
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


def ensure_data(db: str, args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    meta = None if args.rebuild else existing_build(args)
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
    phases: dict[str, float] = {}
    started = time.perf_counter()

    def phase(name: str, since: float) -> float:
        now = time.perf_counter()
        phases[name] = round(now - since, 2)
        log(f"{name}: {now - since:,.1f} s")
        return now

    t = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    t = phase("migrate", t)
    from tonle.geo.services import gazetteer_load

    gazetteer_load()
    t = phase("gazetteer", t)
    setup = setup_project(args)
    t = phase("project+activities", t)
    connection.close()
    loader = SqliteLoader() if db == "sqlite" else PostgresLoader()
    try:
        load_people_and_attendances(loader, setup, args, phase)
    finally:
        loader.close()
    seconds = round(time.perf_counter() - started, 2)
    meta = {
        "version": DATA_VERSION,
        "people": args.people,
        "attendances": args.attendances,
        "activities": args.activities,
        "seconds": seconds,
        "phases": phases,
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
    return {"reused": False, "seconds": seconds, "phases": phases}


# ---------------------------------------------------------------------------------------
# Building the data.


class Setup:
    def __init__(self, admin_id: int, villages: list[int], activities: list[tuple]) -> None:
        self.admin_id = admin_id
        self.villages = villages
        self.activities = activities  # (id, village_id, date), the pinned one first


def setup_project(args: argparse.Namespace) -> Setup:
    """The project, its six communities and its activities, through the ORM (no history)."""
    from tonle.accounts.models import Role, User
    from tonle.demo.services import ACTIVITY_TYPES, COMMUNITIES, COMPONENTS, PLAN, TOPICS
    from tonle.geo.models import Village
    from tonle.programs.models import (
        Activity,
        ActivityType,
        Component,
        Organisation,
        OrganisationKind,
        Project,
        Topic,
    )

    rng = random.Random(SEED)
    admin = User(
        username=ADMIN_USERNAME,
        role=Role.ADMINISTRATOR,
        first_name="Bench",
        last_name="Admin",
        is_staff=True,
        is_superuser=True,
    )
    admin.set_unusable_password()
    admin.save()
    ngo = Organisation.objects.create(
        name_en="Bench Community Organisation",
        name_km="អង្គការសហគមន៍សាកល្បង",
        kind=OrganisationKind.NGO,
    )
    project = Project.objects.create(
        slug=PROJECT_SLUG,
        name_en="Women's learning and participation, ten years",
        name_km="ការសិក្សា និងការចូលរួមរបស់ស្ត្រី ដប់ឆ្នាំ",
        organisation=ngo,
        starts_on=START,
        ends_on=END,
    )
    villages = [
        Village.objects.filter(commune__code=commune).order_by("code").first()
        for _district, commune in COMMUNITIES
    ]
    project.communities.set(villages)
    components = {
        code: Component.objects.create(project=project, code=code, name_en=en, name_km=km)
        for code, en, km in COMPONENTS
    }
    types = {
        code: ActivityType.objects.get_or_create(
            code=code, defaults={"name_en": en, "name_km": km}
        )[0]
        for code, en, km in ACTIVITY_TYPES
    }
    topics = {
        code: Topic.objects.get_or_create(code=code, defaults={"name_en": en, "name_km": km})[0]
        for code, en, km in TOPICS
    }
    days = (END - START).days
    planned = []
    for i in range(args.activities):
        village = villages[i % len(villages)]
        component = rng.choice(list(PLAN))
        type_code, topic_codes = rng.choice(PLAN[component])
        topic = topics[rng.choice(topic_codes)]
        if i == 0:
            # The pinned activity is found again by its title when the data is reused.
            en, km = f"{PINNED_TITLE} — {village.name_en}", f"{PINNED_TITLE} — {village.name_km}"
        else:
            en = f"{types[type_code].name_en}: {topic.name_en} — {village.name_en}"
            km = f"{types[type_code].name_km}៖ {topic.name_km} — {village.name_km}"
        planned.append(
            Activity(
                project=project,
                component=components[component],
                activity_type=types[type_code],
                topic=topic,
                **activity_title(en, km),
                date=END - dt.timedelta(days=7)
                if i == 0
                else START + dt.timedelta(rng.randint(0, days)),
                village=village,
                place=rng.choice(
                    ["Pagoda hall", "Village chief's house", "Commune office", "School"]
                ),
                facilitator=rng.choice(["Sreymom Chan", "Kanha Heng", "Vanna Ly", "Rachana Tep"]),
                created_by=admin,
            )
        )
    Activity.objects.bulk_create(planned, batch_size=2000)
    activities = list(
        Activity.objects.filter(project=project)
        .order_by("id")
        .values_list("id", "village_id", "date")
    )
    return Setup(admin.pk, [v.pk for v in villages], activities)


def activity_title(en: str, km: str) -> dict[str, str]:
    """The title fields of an activity: one `title`, or (since bilingual titles) two names."""
    from tonle.programs.models import Activity

    fields = {field.name for field in Activity._meta.concrete_fields}
    return {"title": en} if "title" in fields else {"name_en": en, "name_km": km}


def pinned_activity(project: Any) -> Any:
    from tonle.programs.models import Activity

    field = next(iter(activity_title(PINNED_TITLE, "")))
    return Activity.objects.get(project=project, **{f"{field}__startswith": PINNED_TITLE})


def participant_rows(
    rng: random.Random, setup: Setup, n: int, *, true: object, false: object, tz: str
) -> Iterator[tuple]:
    """Women and girls (and a few men), named as in the demo, keys written by the app's own functions."""
    from tonle.demo.names import FAMILY_NAMES, GIVEN_NAMES
    from tonle.lib.text import khmer_key, latin_key, phone_key

    km_keys: dict[str, str] = {}
    latin_keys: dict[str, str] = {}
    span = (END - START).days
    prefixes = ["012", "015", "016", "017", "070", "077", "078", "089", "092", "096", "097"]
    for i in range(n):
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
        if name_km not in km_keys:
            km_keys[name_km] = khmer_key(name_km)
        if name_latin not in latin_keys:
            latin_keys[name_latin] = latin_key(name_latin)
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
        registered = START + dt.timedelta(days=rng.randint(0, span))
        sex = "F" if rng.random() < 0.975 else rng.choice(["M", "X"])
        yield (
            name_km,
            name_latin,
            km_keys[name_km],
            latin_keys[name_latin],
            sex,
            born.isoformat() if rng.random() < 0.4 else None,
            birth_year,
            setup.villages[i % len(setup.villages)],
            phone,
            phone_key(phone),
            true if rng.random() < 0.06 else false,
            true if rng.random() < 0.55 else false,
            true,
            registered.isoformat(),
            setup.admin_id,
            f"{registered.isoformat()} 08:{rng.randint(0, 59):02d}:00{tz}",
            setup.admin_id,
        )


PARTICIPANT_FIELDS = [
    "name_km",
    "name_latin",
    "name_km_key",
    "name_latin_key",
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
ATTENDANCE_FIELDS = ["activity", "participant", "source", "recorded_at", "recorded_by"]


def activity_sizes(
    rng: random.Random, setup: Setup, total: int, pools: dict[int, list[int]]
) -> list[int]:
    """Attendees per activity: the pinned one exactly 300, the rest varied, summing to `total`."""
    rest_activities = setup.activities[1:]
    caps = [len(pools[village]) for _id, village, _date in rest_activities]
    rest = total - PINNED_SIZE
    if rest > sum(caps):
        raise SystemExit("more attendances than the villages' women can make: raise --people")
    weights = [rng.uniform(0.4, 1.6) for _ in rest_activities]
    scale = rest / sum(weights) if weights else 0
    sizes = [min(int(w * scale), cap) for w, cap in zip(weights, caps, strict=True)]
    short = rest - sum(sizes)
    while short > 0:
        for i, cap in enumerate(caps):
            if short and sizes[i] < cap:
                sizes[i] += 1
                short -= 1
    return [PINNED_SIZE, *sizes]


def attendance_rows(
    rng: random.Random,
    setup: Setup,
    sizes: list[int],
    pools: dict[int, list[int]],
    *,
    tz: str,
) -> Iterator[tuple]:
    sources = ["web", "web", "sheet", "form"]
    for (activity_id, village_id, date), size in zip(setup.activities, sizes, strict=True):
        source = rng.choice(sources)
        day = date.isoformat()
        # In (activity, participant) order, so the unique index is filled by appending.
        for i, participant_id in enumerate(sorted(rng.sample(pools[village_id], size))):
            second = i * 7  # one woman signs in every few seconds from nine o'clock
            hour, minute = 9 + second // 3600, second // 60 % 60
            yield (
                activity_id,
                participant_id,
                source,
                f"{day} {hour:02d}:{minute:02d}:{second % 60:02d}{tz}",
                setup.admin_id,
            )


def load_people_and_attendances(
    loader: Loader, setup: Setup, args: argparse.Namespace, phase: Callable[[str, float], float]
) -> None:
    from tonle.people.models import Participant
    from tonle.programs.models import Attendance

    rng = random.Random(SEED + 1)
    people_table = Participant._meta.db_table
    attendance_table = Attendance._meta.db_table
    t = time.perf_counter()
    # Indexes are built once at the end, sorted, instead of row by row during the load.
    loader.drop_indexes(people_table)
    loader.drop_indexes(attendance_table)
    loader.insert(
        people_table,
        columns(Participant, PARTICIPANT_FIELDS),
        participant_rows(
            rng, setup, args.people, true=loader.true, false=loader.false, tz=loader.tz
        ),
    )
    t = phase("participants", t)
    pools: dict[int, list[int]] = {village: [] for village in setup.villages}
    for participant_id, village_id in loader.fetch(
        f"SELECT id, village_id FROM {people_table} ORDER BY id"
    ):
        pools[village_id].append(participant_id)
    sizes = activity_sizes(rng, setup, args.attendances, pools)
    loader.insert(
        attendance_table,
        columns(Attendance, ATTENDANCE_FIELDS),
        attendance_rows(rng, setup, sizes, pools, tz=loader.tz),
    )
    t = phase("attendances", t)
    loader.restore_indexes()
    t = phase("indexes", t)
    loader.commit()
    loader.analyze([people_table, attendance_table])
    phase("analyze", t)


def columns(model: type, fields: list[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in fields]


class Loader:
    true: object
    false: object
    tz: str

    def drop_indexes(self, table: str) -> None: ...
    def insert(self, table: str, cols: list[str], rows: Iterable[tuple]) -> None: ...
    def fetch(self, sql: str) -> list[tuple]: ...
    def restore_indexes(self) -> None: ...
    def commit(self) -> None: ...
    def analyze(self, tables: list[str]) -> None: ...
    def close(self) -> None: ...


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

    def fetch(self, sql: str) -> list[tuple]:
        return self.conn.execute(sql).fetchall()

    def restore_indexes(self) -> None:
        for sql in self.dropped:
            self.conn.execute(sql)

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def analyze(self, tables: list[str]) -> None:
        self.conn.execute("ANALYZE")
        self.conn.execute("PRAGMA journal_mode=WAL")

    def close(self) -> None:
        self.conn.close()


class PostgresLoader(Loader):
    """COPY on a psycopg connection of its own, the whole load in one transaction."""

    true, false, tz = "t", "f", "+00"
    CHUNK = 50_000

    def __init__(self) -> None:
        import psycopg

        self.conn = psycopg.connect(os.environ["DATABASE_URL"])
        # The generated rows are consistent by construction; checking two foreign keys per
        # row with a trigger would double the load time. The schema is left unchanged.
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

    def fetch(self, sql: str) -> list[tuple]:
        return self.conn.execute(sql).fetchall()

    def restore_indexes(self) -> None:
        for definition in self.dropped:
            self.conn.execute(definition)

    def commit(self) -> None:
        self.conn.commit()

    def analyze(self, tables: list[str]) -> None:
        # VACUUM too: autovacuum would set the visibility map on a live database soon
        # after, and index-only scans depend on it.
        self.conn.autocommit = True
        for table in tables:
            self.conn.execute(f"VACUUM (ANALYZE) {table}")
        self.conn.execute("ANALYZE")

    def close(self) -> None:
        self.conn.close()


# ---------------------------------------------------------------------------------------
# Measuring.


def search_queries() -> tuple[list[str], list[str]]:
    """About thirty Latin and thirty Khmer searches, as a worker types part of a name."""
    from tonle.demo.names import FAMILY_NAMES, GIVEN_NAMES

    rng = random.Random(SEED + 2)
    latin, khmer = [], []
    for family_km, family_latin in rng.sample(FAMILY_NAMES, 6):
        latin.append(family_latin.lower())
        khmer.append(family_km)
    for _km, given_latin in rng.sample(GIVEN_NAMES, 8):
        word = given_latin.replace(" ", "").lower()
        size = rng.randint(3, min(6, len(word)))
        start = rng.randint(0, len(word) - size)
        latin.append(word[start : start + size])
    for given_km, _latin in rng.sample(GIVEN_NAMES, 12):
        khmer.append(given_km)
    for _ in range(12):
        family_km, family_latin = rng.choice(FAMILY_NAMES)
        given_km, given_latin = rng.choice(GIVEN_NAMES)
        if len(latin) < 20:
            latin.append(f"{family_latin} {given_latin}")
        else:
            latin.append(f"{family_latin} {given_latin[: rng.randint(2, 4)]}")
        if len(khmer) < 26:
            khmer.append(f"{family_km} {given_km}")
    latin.extend(MISSING_LATIN)
    khmer.extend(MISSING_KHMER)
    return latin, khmer


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    t = time.perf_counter()
    result = fn()
    return (time.perf_counter() - t) * 1000, result


def _row(
    name: str, stat: str, value: float, unit: str, target: float | None, detail: str = ""
) -> dict[str, Any]:
    return {
        "name": name,
        "stat": stat,
        "value": value,
        "unit": unit,
        "target": target,
        "detail": detail,
    }


def _p90(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.9 * len(values)) - 1)]


def measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    from django.test import Client
    from django.urls import reverse

    from tonle.accounts.models import User
    from tonle.people.models import Participant
    from tonle.people.selectors import participant_search
    from tonle.programs.models import Attendance, Project

    admin = User.objects.get(username=ADMIN_USERNAME)
    project = Project.objects.get(slug=PROJECT_SLUG)
    pinned = pinned_activity(project)
    people, attendances = Participant.objects.count(), Attendance.objects.count()
    log(f"measuring on {people:,} participants and {attendances:,} attendances")
    rows = []

    latin, khmer = search_queries()
    for name, queries in (("search-latin", latin), ("search-khmer", khmer)):
        for text in queries:  # warm the caches, as on a server that has been up a while
            list(participant_search(user=admin, text=text))
        times, found = [], []
        for text in queries:
            ms, result = _timed(lambda text=text: list(participant_search(user=admin, text=text)))
            times.append(ms)
            found.append(len(result))
        slowest = queries[times.index(max(times))]
        rows.append(
            _row(
                name,
                "median",
                statistics.median(times),
                "ms",
                TARGET_SEARCH_MS,
                f"p90 {_ms(_p90(times))}, max {_ms(max(times))} ({slowest!r}); "
                f"{len(queries)} queries, {sum(1 for n in found if n)} with matches, "
                f"{sum(1 for n in found if n == 50)} full pages of 50",
            )
        )
        log(f"{name}: median {statistics.median(times):.1f} ms")

    client = Client()
    client.force_login(admin)

    def page(url: str, data: dict | None = None) -> bytes:
        response = client.get(url, data)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response.content

    search_text = latin[0]
    people_url = reverse("people-list")
    page(people_url, {"q": search_text})
    times = [_timed(lambda: page(people_url, {"q": search_text}))[0] for _ in range(args.repeat)]
    rows.append(
        _row(
            "search-view",
            "median",
            statistics.median(times),
            "ms",
            TARGET_SEARCH_MS,
            f"GET /people/?q={search_text} through the whole stack, {args.repeat} runs, "
            f"max {_ms(max(times))}",
        )
    )
    log(f"search-view: median {statistics.median(times):.1f} ms")

    activity_url = reverse("programs-activity", args=[pinned.pk])
    html = page(activity_url).decode()
    present = html.count("/unattend/") // 2
    if present != PINNED_SIZE:
        raise SystemExit(f"the pinned activity shows {present} attendees, not {PINNED_SIZE}")
    times = [_timed(lambda: page(activity_url))[0] for _ in range(args.repeat)]
    rows.append(
        _row(
            "attendance-page",
            "median",
            statistics.median(times),
            "ms",
            TARGET_PAGE_MS,
            f"GET {activity_url}, {PINNED_SIZE} attendees, {args.repeat} runs, "
            f"max {_ms(max(times))}",
        )
    )
    log(f"attendance-page: median {statistics.median(times):.1f} ms")

    rows.extend(measure_reach(args, admin, project, pinned))

    dashboard_url = reverse("results-dashboard", args=[project.slug])
    ms, dashboard_html = _timed(lambda: page(dashboard_url))
    rows.append(_row("dashboard-page", "once", ms, "ms", None, f"GET {dashboard_url}"))

    pages = {
        "dashboard": dashboard_html,
        "people-search": page(people_url, {"q": search_text}),
        "attendance": page(activity_url),
    }
    rows.extend(page_weights(pages))
    return rows


def measure_reach(
    args: argparse.Namespace, admin: Any, project: Any, pinned: Any
) -> list[dict[str, Any]]:
    """The dashboard's figures: steady state, right after a change, and (optionally) from SQL."""
    from tonle.people.models import Participant, Sex
    from tonle.programs.models import Activity
    from tonle.programs.services import attendance_record, attendance_remove
    from tonle.results import reach

    try:
        from tonle.results.cells import reach_rebuild
    except ImportError:  # before the precomputed cells, reach_figures was the SQL itself
        reach_rebuild = None
    rows = []
    if reach_rebuild is not None:
        ms, _state = _timed(lambda: reach_rebuild(project=project))
        rows.append(
            _row(
                "reach-rebuild",
                "once",
                ms,
                "ms",
                None,
                "tonle.results.cells.reach_rebuild: every cell again from the attendances",
            )
        )
        log(f"reach_rebuild: {ms:,.0f} ms")
    ms, figures = _timed(lambda: reach.reach_figures(project=project))
    log(f"reach_figures (first run): {ms:,.0f} ms, total reach {figures.total:,}")
    times = [
        _timed(lambda: reach.reach_figures(project=project))[0] for _ in range(args.reach_repeat)
    ]
    rows.append(
        _row(
            "reach-figures",
            "median",
            statistics.median(times),
            "ms",
            TARGET_REACH_MS,
            f"{args.reach_repeat} runs after one warm-up; total reach {figures.total:,}; "
            f"{sum(len(cells) for cells in figures.splits.values())} cells in "
            f"{len(figures.splits)} splits",
        )
    )
    log(f"reach_figures: median {statistics.median(times):,.0f} ms")

    if reach_rebuild is not None:
        # The dashboard opened just after someone took attendance: the cells catch up from
        # the history the services write. One attendance added, then removed again, so
        # the data keeps its size for the next run.
        activity = (
            Activity.objects.filter(project=project).exclude(pk=pinned.pk).order_by("-date").first()
        )
        person = (
            Participant.objects.filter(village_id=activity.village_id, sex=Sex.FEMALE)
            .exclude(attendances__activity=activity)
            .order_by("id")
            .first()
        )
        times = []
        for change in (attendance_record, attendance_remove):
            change(by=admin, activity=activity, participant=person)
            times.append(_timed(lambda: reach.reach_figures(project=project))[0])
        rows.append(
            _row(
                "reach-after-change",
                "max",
                max(times),
                "ms",
                TARGET_REACH_MS,
                "reach_figures right after one attendance was added "
                f"({_ms(times[0])}) and right after it was removed ({_ms(times[1])})",
            )
        )

    if args.sql_reach and hasattr(reach, "sql_reach_figures"):
        ms, _figures = _timed(lambda: reach.sql_reach_figures(project=project))
        rows.append(
            _row("reach-sql", "once", ms, "ms", None, "sql_reach_figures: the figures from SQL")
        )
        log(f"sql_reach_figures: {ms:,.0f} ms")
        # Which of its queries the time goes to.
        ms, _total = _timed(lambda: reach.sql_reach_total(project=project))
        rows.append(_row("  sql total", "once", ms, "ms", None, "COUNT(DISTINCT participant)"))
        for dimension in reach.DIMENSIONS:
            ms, cells = _timed(
                lambda d=dimension: reach.sql_reach_split(project=project, dimension=d.code)
            )
            rows.append(
                _row(f"  sql by {dimension.code}", "once", ms, "ms", None, f"{len(cells)} cells")
            )
    return rows


def page_weights(pages: dict[str, bytes]) -> list[dict[str, Any]]:
    """Each page's HTML plus the CSS and JS it links, found as collectstatic would find them."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    static_sizes: dict[str, tuple[int, int]] = {}
    unfound: set[str] = set()
    rows = []
    total_html = total_html_gz = 0
    for name, html in pages.items():
        # The target counts a page "with its CSS and JS"; icons and images are left out.
        refs = re.findall(
            rf'(?:href|src)="{re.escape(settings.STATIC_URL)}([^"?#]+\.(?:css|js))"', html.decode()
        )
        for ref in refs:
            if ref not in static_sizes:
                found = finders.find(ref)
                if not found:
                    # Still weigh the file the page asks for, and say that collectstatic
                    # would not ship it: the browser would get a 404 instead.
                    found = ROOT / "tonle" / "static" / ref
                    if not found.exists():
                        raise SystemExit(f"static file {ref} not found")
                    unfound.add(ref)
                data = Path(found).read_bytes()
                static_sizes[ref] = (len(data), len(gzip.compress(data)))
        static = sum(static_sizes[ref][0] for ref in refs)
        static_gz = sum(static_sizes[ref][1] for ref in refs)
        html_gz = len(gzip.compress(html))
        total_html += len(html)
        total_html_gz += html_gz
        rows.append(
            _row(
                f"weight-{name}",
                "bytes",
                len(html) + static,
                "bytes",
                TARGET_WEIGHT_BYTES,
                f"HTML {_kb(len(html))} + {len(refs)} static {_kb(static)}; "
                f"gzipped {_kb(html_gz + static_gz)}",
            )
        )
    static = sum(size for size, _gz in static_sizes.values())
    static_gz = sum(gz for _size, gz in static_sizes.values())
    rows.append(
        _row(
            "weight-3-pages-sum",
            "bytes",
            total_html + static,
            "bytes",
            TARGET_WEIGHT_BYTES,
            f"3 HTML {_kb(total_html)} + static once {_kb(static)} "
            f"({', '.join(sorted(static_sizes))}); gzipped {_kb(total_html_gz + static_gz)}",
        )
    )
    if unfound:
        rows[-1]["detail"] += (
            f"; NOT FOUND by the staticfiles finders, weighed from tonle/static: "
            f"{', '.join(sorted(unfound))}"
        )
        log(f"the staticfiles finders do not find {', '.join(sorted(unfound))}")
    return rows


def explain_slow_queries(db: str, args: argparse.Namespace) -> None:
    """Print the plan of every query of the measured code that takes longer than --explain-ms."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tonle.accounts.models import User
    from tonle.people.selectors import participant_search
    from tonle.programs.models import Project
    from tonle.results import reach

    admin = User.objects.get(username=ADMIN_USERNAME)
    project = Project.objects.get(slug=PROJECT_SLUG)
    pinned = pinned_activity(project)
    client = Client()
    client.force_login(admin)
    latin, khmer = search_queries()
    cases: list[tuple[str, Callable[[], object]]] = [
        (f"search {latin[0]!r}", lambda: list(participant_search(user=admin, text=latin[0]))),
        (f"search {latin[-1]!r}", lambda: list(participant_search(user=admin, text=latin[-1]))),
        (f"search {khmer[0]!r}", lambda: list(participant_search(user=admin, text=khmer[0]))),
        (f"search {khmer[-1]!r}", lambda: list(participant_search(user=admin, text=khmer[-1]))),
        ("attendance page", lambda: client.get(reverse("programs-activity", args=[pinned.pk]))),
        ("reach_figures", lambda: reach.reach_figures(project=project)),
    ]
    if args.sql_reach and hasattr(reach, "sql_reach_figures"):
        cases.append(("sql_reach_figures", lambda: reach.sql_reach_figures(project=project)))
    for label, fn in cases:
        with CaptureQueriesContext(connection) as captured:
            fn()
        for query in captured.captured_queries:
            ms = float(query["time"]) * 1000
            if ms < args.explain_ms:
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


def main() -> int:
    args = parse_args()
    if os.environ.get(CHILD_ENV):
        return child(args)
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
