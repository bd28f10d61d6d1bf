"""Fault tests: the web process applying a sign-in sheet is killed (kill -9) half-way, then the
sheet is applied again; and two officers apply corrections of one sheet at the same moment.
Every row ends applied once or waiting with its reason: never half, never twice.

The sheet is applied in the request, so the process killed is the web server's. Real processes
(tonle/programs/tests/sheet_process.py) run against a file SQLite copy of the test database,
so these tests run on SQLite only; the lock they rely on is PostgreSQL's select_for_update."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tonle.collect.services import upload_store
from tonle.collect.sheets import sheet_read
from tonle.lib.testing.processes import process_environment, test_database_on_file
from tonle.programs.sheets import UPLOAD_KIND, attendance_sheet_apply
from tonle.programs.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "name_km,name_latin,sex,birth_year,village,phone,consent\n"


@pytest.fixture
def on_file(tmp_path):
    """The test database copied to a file, and a way to run a web process against it."""
    started: list[subprocess.Popen] = []

    def copy() -> Path:
        return test_database_on_file(tmp_path)

    def run(*args: object, pause: str = "") -> subprocess.Popen:
        environ = process_environment(
            tmp_path, TONLE_TEST_PAUSE=pause, TONLE_TEST_SIGNALS=str(tmp_path)
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "tonle.programs.tests.sheet_process", *map(str, args)],
            cwd=settings.BASE_DIR, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        started.append(process)
        return process

    copy.run = run
    yield copy
    for process in started:  # a failed assertion: stop what this test started
        if process.poll() is None:
            process.kill()
            process.wait()


def _wait_for(path: Path, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(process.communicate()[0])
        assert time.monotonic() < deadline, f"still waiting for {path.name}"
        time.sleep(0.05)


def _finished(process: subprocess.Popen) -> str:
    output = process.communicate(timeout=60)[0]
    assert process.returncode == 0, output
    return output


def _query(database: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(database, timeout=20) as db:
        return db.execute(sql, params).fetchall()


def _sheet(world, activity, *rows: str):
    data = (HEADER + "".join(f"{row}\n" for row in rows)).replace("{v}", world.village_a.code)
    return upload_store(
        by=world.officer_a, kind=UPLOAD_KIND, target={"activity": activity.pk},
        file_name="day1.csv", data=data.encode(), sheet=sheet_read(file_name="day1.csv", data=data.encode()),
    )  # fmt: skip


ROWS = (
    "ចាន់ សុភា,Chan Sophea,F,1990,{v},,yes",  # already registered
    "ហេង ពៅ,Heng Pov,F,2008,{v},,yes",
    "សុខ ណារី,Sok Nary,F,1995,{v},,yes",
    "ហេង ពៅ,Heng Pov,F,2008,{v},,yes",  # the same new girl again
    ",,F,1990,{v},,yes",  # no name: waits for a correction
    "ទេព ធីតា,Tep Thida,F,1985,{v},,yes",
)


def _rows(database: Path, upload_id: int) -> list[tuple]:
    return _query(
        database,
        "SELECT number, status, errors FROM collect_incomingrow WHERE upload_id = ? ORDER BY number",
        upload_id,
    )


def _women(database: Path) -> dict[str, int]:
    names = "'Chan Sophea', 'Heng Pov', 'Sok Nary', 'Tep Thida'"
    found = _query(database, f"SELECT name_latin, COUNT(*) FROM people_participant "
                             f"WHERE name_latin IN ({names}) GROUP BY name_latin")  # fmt: skip
    return dict(found)


def _attendances(database: Path, activity_id: int) -> list[str]:
    return sorted(
        name
        for (name,) in _query(
            database,
            "SELECT p.name_latin FROM programs_attendance a JOIN people_participant p "
            "ON p.id = a.participant_id WHERE a.activity_id = ?",
            activity_id,
        )
    )


@pytest.mark.parametrize("pause", ["bulk", "rows:3"])
def test_a_web_process_killed_half_way_through_a_sheet_leaves_every_row_waiting_then_applied_once(
    world, on_file, tmp_path, pause
):
    activity = ActivityFactory(project=world.project_a)
    upload = _sheet(world, activity, *ROWS)
    database = on_file()
    web = on_file.run("apply", upload.pk, world.officer_a.pk, pause=pause)
    _wait_for(tmp_path / "paused", web)  # women and attendances written, not yet committed

    os.kill(web.pid, signal.SIGKILL)
    web.wait(timeout=20)

    assert {status for _n, status, _e in _rows(database, upload.pk)} == {"pending"}
    assert _attendances(database, activity.pk) == []
    assert _women(database) == {"Chan Sophea": 1}
    (tmp_path / "paused").unlink()

    assert "applied 5 failed 1" in _finished(on_file.run("apply", upload.pk, world.officer_a.pk))
    assert "applied 0 failed 1" in _finished(on_file.run("apply", upload.pk, world.officer_a.pk))

    rows = _rows(database, upload.pk)
    assert [status for _n, status, _e in rows] == ["applied"] * 4 + ["failed", "applied"]
    assert "name_latin" in json.loads(rows[4][2])  # waiting, with its reason
    assert _women(database) == {"Chan Sophea": 1, "Heng Pov": 1, "Sok Nary": 1, "Tep Thida": 1}
    assert _attendances(database, activity.pk) == ["Chan Sophea", "Heng Pov", "Sok Nary",
                                                   "Tep Thida"]  # fmt: skip


def test_two_officers_correcting_rows_of_one_new_woman_at_once_register_her_once(
    world, on_file, tmp_path
):
    activity = ActivityFactory(project=world.project_a)
    upload = _sheet(world, activity, "ហេង ពៅ,Heng Pov,F,2008,Nowhere,,yes",
                    "ហេង ពៅ,Heng Pov,F,2008,Elsewhere,,yes")  # fmt: skip
    attendance_sheet_apply(by=world.officer_a, upload=upload)
    first, second = upload.rows.order_by("number")
    assert {first.status, second.status} == {"failed"}
    database = on_file()
    fixed = json.dumps({"village": world.village_a.code})

    one = on_file.run("correct", upload.pk, world.officer_a.pk, first.pk, fixed, pause="planned")
    _wait_for(tmp_path / "paused", one)  # her row read and checked: she is not registered yet
    other = on_file.run("correct", upload.pk, world.officer_a.pk, second.pk, fixed)
    for line in other.stdout:  # past any warning Django prints as it starts
        if line.strip() == "started":
            break
    time.sleep(2)  # the other officer's apply gets as far as it can
    (tmp_path / "go").touch()
    _finished(one), _finished(other)

    assert {status for _n, status, _e in _rows(database, upload.pk)} == {"applied"}
    assert _women(database)["Heng Pov"] == 1
    assert _attendances(database, activity.pk) == ["Heng Pov"]
