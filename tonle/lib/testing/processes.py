"""Tests that run Tonle in real processes: the test database on file, and their environment."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from django.db import connection


def test_database_on_file(folder: Path) -> Path:
    """The test database, as it is now, written to `folder`/tonle.sqlite3, where a process
    started with `process_environment(folder)` finds it. SQLite only: elsewhere the test skips."""
    if connection.vendor != "sqlite":
        pytest.skip("the processes run on a file SQLite copy of the test database")
    database = folder / "tonle.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(database)])
    return database


def process_environment(
    folder: Path, *, settings_module: str = "tonle.settings_test", **extra: str
) -> dict[str, str]:
    """This process's environment for a child that works in `folder` on its SQLite file."""
    environ = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    return environ | {
        "TONLE_VAR_DIR": str(folder),
        "DJANGO_SETTINGS_MODULE": settings_module,
        **extra,
    }


T = TypeVar("T")


def supervisor_start(folder: Path, *, settings_module: str, options: list[str]) -> subprocess.Popen:
    """`manage.py run_worker` with `options`, on the SQLite file in `folder` (see
    test_database_on_file), its output kept for the test to read."""
    from django.conf import settings

    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", *options],
        cwd=settings.BASE_DIR,
        env=process_environment(folder, settings_module=settings_module),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(what: Callable[[], T], seconds: float) -> T:
    """What `what()` gives once it gives something true, asking every 50 ms for `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := what():
            return found
        time.sleep(0.05)
    raise AssertionError(f"still waiting after {seconds} s")


def children_of(pid: int) -> list[int]:
    """The processes a process started (a supervisor's worker)."""
    with open(f"/proc/{pid}/task/{pid}/children") as children:
        return [int(child) for child in children.read().split()]


test_database_on_file.__test__ = False  # a helper, not a test pytest should collect
