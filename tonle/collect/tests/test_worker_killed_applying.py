"""Fault test: the worker is killed (kill -9) while it applies a queue of submissions. run_worker
starts it again and hands it the chains left waiting: every submission ends applied once, its
attendances recorded once, never half a batch and never twice.

A real `manage.py run_worker` runs against a file SQLite copy of the test database, so the test
runs on SQLite only; the queue's rules are tested on both databases in test_apply_queue."""

from __future__ import annotations

import os
import signal
import sqlite3
import uuid
from pathlib import Path

import pytest

from tonle.collect.instances import instance_read
from tonle.collect.ready_forms import FORMS, HERE
from tonle.collect.services import form_upload, mapping_save, submission_receive
from tonle.collect.tests.phone import attendance_xml
from tonle.lib.testing.processes import (
    children_of,
    supervisor_start,
    test_database_on_file,
    wait_for,
)
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db(transaction=True)

SUBMISSIONS = 120


def _count(database: Path, sql: str) -> int:
    with sqlite3.connect(database, timeout=20) as db:
        return db.execute(sql).fetchone()[0]


def test_a_worker_killed_while_applying_submissions_leaves_each_applied_once(world, tmp_path):
    form = form_upload(by=world.manager, project_id=world.project_a.pk, file_name="a.xlsx",
                       data=(HERE / "ccdo_attendance.xlsx").read_bytes())  # fmt: skip
    mapping_save(by=world.manager, form=form, kinds=FORMS["ccdo_attendance"]["mapping"])
    activities = [
        ActivityFactory(project=world.project_a, village=world.village_a) for _ in range(4)
    ]
    women = [ParticipantFactory(village=world.village_a) for _ in range(6)]
    named = set()
    for number in range(SUBMISSIONS):
        activity = activities[number % 4]
        present = [women[(number + k) % 6] for k in range(3)]
        named.update((activity.pk, woman.pk) for woman in present)
        xml = attendance_xml(f"uuid:{uuid.uuid4()}", activity.pk, [w.pk for w in present],
                             version=form.version)  # fmt: skip
        submission_receive(by=world.officer_a, form=form, xml=xml, instance=instance_read(xml),
                           parts=[], complete=True)  # fmt: skip
    database = test_database_on_file(tmp_path)  # the queue and the worker's task included
    supervisor = supervisor_start(tmp_path, settings_module="tonle.collect.tests.settings_small_batches",
                                  options=["--interval", "0.1", "--catch-up", "0.5"])  # fmt: skip
    try:
        # Killed half-way: some batches committed, the rest waiting in the queue.
        wait_for(
            lambda: _count(database, "SELECT count(*) FROM collect_applyqueue") < SUBMISSIONS - 10,
            60,
        )
        (worker,) = children_of(supervisor.pid)
        os.kill(worker, signal.SIGKILL)
        waiting = _count(database, "SELECT count(*) FROM collect_applyqueue")
        assert 0 < waiting < SUBMISSIONS
        wait_for(lambda: _count(database, "SELECT count(*) FROM collect_applyqueue") == 0, 60)
    finally:
        supervisor.send_signal(signal.SIGTERM)
        output, _ = supervisor.communicate(timeout=30)
    assert "started" in output
    assert _count(database, "SELECT count(*) FROM collect_submission WHERE status = 'applied'") == (
        SUBMISSIONS
    ), output
    assert _count(database, "SELECT count(*) FROM programs_attendance") == len(named)
    # One claim per submission and record: none applied twice.
    assert _count(database, "SELECT count(*) FROM (SELECT submission_id, object_id, model, "
                            "count(*) AS n FROM collect_appliedrecord GROUP BY 1, 2, 3) "
                            "WHERE n > 1") == 0  # fmt: skip
    assert _count(database, "SELECT count(*) FROM collect_appliedrecord WHERE owns "
                            "AND model = 'attendance'") == len(named)  # fmt: skip
