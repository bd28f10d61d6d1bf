"""A web process applying a sign-in sheet, for the fault tests: run on its own against a file
SQLite copy of the test database, it can be stopped half-way (and killed there).

    python -m tonle.programs.tests.sheet_process apply <upload> <user>
    python -m tonle.programs.tests.sheet_process correct <upload> <user> <row> <corrections as JSON>

TONLE_TEST_PAUSE says where it stops, TONLE_TEST_SIGNALS in which folder it says so: it writes
`paused` there, then waits for a file `go` (forever, if the test means to kill it):
  bulk    the sheet's new women and attendances written, its rows not yet marked applied
  rows:N  applying row by row (the bulk write collided), N rows written
  planned the rows read and checked, nothing written yet
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def _pause(signals: Path) -> None:
    (signals / "paused").touch()
    while not (signals / "go").exists():
        time.sleep(0.05)


def _install_pause(where: str, signals: Path) -> None:
    from django.db import IntegrityError

    from tonle.programs import sheets

    if where == "bulk":
        record_many = sheets.attendances_record_many

        def record_many_then_pause(**kwargs):
            written = record_many(**kwargs)
            _pause(signals)
            return written

        sheets.attendances_record_many = record_many_then_pause
    elif where.startswith("rows:"):
        after, done = int(where.removeprefix("rows:")), [0]
        record_one = sheets.attendance_record

        def collide(**kwargs):
            raise IntegrityError("attends_an_activity_once")

        def record_then_pause(**kwargs):
            result = record_one(**kwargs)
            done[0] += 1
            if done[0] == after:
                _pause(signals)
            return result

        sheets.participants_register_many = collide
        sheets.attendance_record = record_then_pause
    elif where == "planned":
        same_person, paused = sheets._RowContext.same_person, []

        def same_person_then_pause(self, fields):
            found = same_person(self, fields)
            if not paused:
                paused.append(True)
                _pause(signals)
            return found

        sheets._RowContext.same_person = same_person_then_pause


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from tonle.accounts.models import User
    from tonle.collect.models import Upload
    from tonle.programs.sheets import attendance_sheet_apply, attendance_sheet_row_correct

    if where := os.environ.get("TONLE_TEST_PAUSE"):
        _install_pause(where, Path(os.environ["TONLE_TEST_SIGNALS"]))
    action, upload_id, user_id, *rest = argv
    upload, by = Upload.objects.get(pk=upload_id), User.objects.get(pk=user_id)
    print("started", flush=True)
    if action == "apply":
        counts = attendance_sheet_apply(by=by, upload=upload)
    else:
        row_id, corrections = rest
        counts = attendance_sheet_row_correct(
            by=by, upload=upload, row_id=int(row_id), corrections=json.loads(corrections)
        )
    print(f"applied {counts.applied} failed {counts.failed}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
