"""Benchmark: a sign-in sheet of 2,000 rows applies in under 10 seconds, on SQLite and PostgreSQL.

Each run uploads a fresh sheet to a fresh activity through the same service the page uses
(`attendance_sheet_upload`): every row is stored as it arrived, then applied. Three rows in
four register a new woman; the fourth is a woman already in the registry, found by name,
village and year of birth. Usage: `python bench/sheet_apply.py [--db sqlite|postgres|both]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from typing import Any

from common import (
    Benchmark,
    Phases,
    Row,
    add_run_options,
    bench_parser,
    create_admin,
    create_project,
    fmt_ms,
    log,
    median_row,
    run,
    timings,
)

ROWS = 2000
TARGET_MS = 10_000.0
KNOWN = 500  # women already registered, who come back on the sheet
ADMIN_USERNAME = "bench-sheet-admin"
DATA_VERSION = 1
SEED = 20260101


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = bench_parser(__doc__)
    parser.add_argument("--rows", type=int, default=ROWS, help="rows of the sheet")
    add_run_options(parser)
    parser.set_defaults(repeat=3)
    return parser.parse_args(argv)


def main() -> int:
    args = parse_args()
    bench = Benchmark(
        script=__file__,
        name="sheet",
        version=DATA_VERSION,
        sizes={"rows": args.rows},
        full_size=args.rows == ROWS,
        title=f"Tonle sign-in sheet benchmark: {args.rows:,} rows, {KNOWN} of them already registered",
    )
    return run(bench, args, build=lambda db, phase: build(phase), measure=lambda db: measure(args))


def build(phase: Phases) -> dict[str, Any]:
    """A project with its staff and the women who will come back."""
    from tonle.people.services import participant_register
    from tonle.programs.models import ActivityType, Component

    admin = create_admin(ADMIN_USERNAME)
    project, villages = create_project(
        slug="bench-sheet", name_en="Sheets", name_km="បញ្ជីវត្តមាន",
        starts_on=dt.date(2022, 1, 1), ends_on=dt.date(2030, 12, 31),
    )  # fmt: skip
    Component.objects.create(project=project, code="training", name_en="Training", name_km="វគ្គ")
    ActivityType.objects.get_or_create(code="training", defaults={"name_en": "Training"})
    for row in _known_rows(villages):
        participant_register(
            by=admin,
            village=villages[0],
            name_km=row["name_km"],
            name_latin=row["name_latin"],
            birth_year=int(row["birth_year"]),
            consent_given=True,
            consent_date=dt.date(2022, 1, 1),
        )
    phase("project+people")
    return {}


def _known_rows(villages: list[Any]) -> list[dict[str, str]]:
    from tonle.demo.names import FAMILY_NAMES, GIVEN_NAMES

    rng = random.Random(SEED)
    rows = []
    for n in range(KNOWN):
        (family_km, family), (given_km, given) = rng.choice(FAMILY_NAMES), rng.choice(GIVEN_NAMES)
        rows.append({"name_km": f"{family_km} {given_km}{n}", "name_latin": f"{family} {given} {n}",
                     "birth_year": str(1960 + n % 45), "village": villages[0].code})  # fmt: skip
    return rows


def _sheet(run_number: int, rows: int, villages: list[Any]) -> bytes:
    """A CSV as a field officer exports it: three new women for each one who came before."""
    known = _known_rows(villages)
    lines = ["name_km,name_latin,sex,birth_year,village,phone,consent"]
    for n in range(rows):
        if n % 4 == 3:
            woman = known[(n // 4) % KNOWN]
            lines.append(
                f"{woman['name_km']},{woman['name_latin']},F,{woman['birth_year']},{woman['village']},,yes"
            )
        else:
            village = villages[n % len(villages)].code
            lines.append(
                f"ស្រី {run_number}-{n},Srey {run_number} {n},F,{1950 + n % 60},{village},0{12000000 + n},yes"
            )
    return ("\n".join(lines) + "\n").encode()


def measure(args: argparse.Namespace) -> list[Row]:
    from tonle.accounts.models import User
    from tonle.collect.models import RowStatus
    from tonle.programs.models import Activity, ActivityType, Project
    from tonle.programs.sheets import attendance_sheet_upload

    admin = User.objects.get(username=ADMIN_USERNAME)
    project = Project.objects.get(slug="bench-sheet")
    villages = list(project.communities.order_by("code"))
    runs = iter(range(1, 1_000_000))
    applied: list[int] = []

    def upload() -> None:
        number = next(runs) + Activity.objects.filter(project=project).count()
        activity = Activity.objects.create(
            project=project,
            component=project.components.get(),
            name_en=f"Bench sheet {number}",
            activity_type=ActivityType.objects.get(code="training"),
            date=dt.date(2026, 1, 5),
            village=villages[0],
        )
        result = attendance_sheet_upload(
            by=admin,
            activity=activity,
            file_name=f"sheet-{number}.csv",
            data=_sheet(number, args.rows, villages),
        )
        applied.append(result.rows.filter(status=RowStatus.APPLIED).count())

    times = timings(upload, args.repeat)
    if any(count != args.rows for count in applied):
        raise SystemExit(f"not every row applied: {applied}")
    log(f"sheet of {args.rows:,} rows: median {fmt_ms(sorted(times)[len(times) // 2])}")
    return [
        median_row(
            "sheet-apply",
            times,
            TARGET_MS,
            f"{args.rows:,} rows ({args.rows // 4:,} women already registered), every row stored "
            f"then applied; {args.repeat} runs, max {fmt_ms(max(times))}",
        )
    ]


if __name__ == "__main__":
    sys.exit(main())
