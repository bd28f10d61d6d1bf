"""Fault test: the worker is killed (kill -9) in the middle of a PDF. run_worker starts it
again, and the PDF ends made exactly once, with one file, never half and never twice.

A real `manage.py run_worker` runs against a file SQLite copy of the test database, so the
test runs on SQLite only; the claim and heartbeat rules it relies on are tested on both
databases in test_pdf_job_failures."""

import os
import signal
import sqlite3
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from tonle.lib.testing.processes import (
    children_of,
    supervisor_start,
    test_database_on_file,
    wait_for,
)
from tonle.reports.services import render_job_start

pytestmark = pytest.mark.django_db(transaction=True)


def _job_row(database: Path, job_id: int) -> dict:
    with sqlite3.connect(database, timeout=20) as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM reports_renderjob WHERE id = ?", [job_id]).fetchone()
        return dict(row)


def test_a_worker_killed_in_the_middle_of_a_pdf_is_restarted_and_the_pdf_made_once(
    world, report, tmp_path
):
    job = render_job_start(by=world.donor, template=report, issued=None, language="en")
    database = test_database_on_file(tmp_path)  # the job and its task included
    supervisor = supervisor_start(tmp_path, settings_module="tonle.reports.tests.settings_slow_worker",
                                  options=["--interval", "0.2", "--sweep", "1"])  # fmt: skip
    workers: set[int] = set()
    try:
        wait_for(lambda: _job_row(database, job.pk)["status"] == "running", 30)
        (worker,) = children_of(supervisor.pid)
        workers.add(worker)
        # Background work yields the CPU to the web server's requests.
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, worker) == min(ours + 10, 19)
        os.kill(worker, signal.SIGKILL)  # half-way: in the slow start of the PDF

        done = wait_for(
            lambda: (row := _job_row(database, job.pk))["status"] in {"done", "failed"} and row,
            40,
        )
        workers.update(children_of(supervisor.pid))
        assert done["status"] == "done", done
        assert done["attempts"] == 2
        made = list((tmp_path / "media").rglob("*.pdf"))
        assert [p.relative_to(tmp_path / "media").as_posix() for p in made] == [done["pdf"]]
        assert made[0].read_bytes().startswith(b"%PDF")
        with sqlite3.connect(database) as db:
            statuses = db.execute(f"SELECT status FROM {DBTaskResult._meta.db_table}")
            tasks = sorted(status for (status,) in statuses)
        assert tasks == ["FAILED", "SUCCESSFUL"]

        supervisor.send_signal(signal.SIGTERM)  # stopped with the server, worker and all
        assert supervisor.wait(timeout=20) == 0
    finally:
        if supervisor.poll() is None:  # a failed assertion: stop what this test started
            for pid in children_of(supervisor.pid):
                os.kill(pid, signal.SIGKILL)
            supervisor.kill()
        output = supervisor.communicate(timeout=10)[0]
        print(output)
    assert "stopped (exit code -9)" in output
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
