"""The queue of submission chains waiting to be applied: filled in the transaction that keeps
a submission, worked through by the background worker in batches, never left behind."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from tonle.collect import services
from tonle.collect.instances import instance_read
from tonle.collect.models import ApplyQueue, RowStatus, Submission
from tonle.collect.ready_forms import FORMS, HERE
from tonle.collect.services import (
    apply_queue_run,
    apply_queue_sweep,
    form_upload,
    mapping_save,
    submission_receive,
)
from tonle.collect.tasks import apply_queued
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs import appliers
from tonle.programs.tests.factories import ActivityFactory

pytestmark = pytest.mark.usefixtures("transactional_db")


def _work() -> None:
    call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip


@pytest.fixture
def form(world):
    form = form_upload(by=world.manager, project_id=world.project_a.pk, file_name="a.xlsx",
                       data=(HERE / "ccdo_attendance.xlsx").read_bytes())  # fmt: skip
    mapping_save(by=world.manager, form=form, kinds=FORMS["ccdo_attendance"]["mapping"])
    return form


def _receive(world, form, activity, women) -> Submission:
    repeats = "".join(
        f"<women><woman>{w.pk}</woman><new><name_km/><name_latin/><birth_year/></new></women>"
        for w in women
    )
    xml = (
        f'<?xml version="1.0"?><data id="ccdo_attendance" version="{form.version}">'
        f"<activity>{activity.pk}</activity>{repeats}"
        f"<meta><instanceID>uuid:{uuid.uuid4()}</instanceID></meta></data>"
    ).encode()
    submission, _new = submission_receive(
        by=world.officer_a, form=form, xml=xml, instance=instance_read(xml), parts=[],
        complete=True,
    )  # fmt: skip
    return submission


def _asked() -> int:
    return DBTaskResult.objects.filter(status="READY", task_path=apply_queued.module_path).count()


def test_a_kept_submission_is_queued_with_it_and_the_worker_asked_once(world, form):
    _work()  # the mapping's own (empty) run
    activity = ActivityFactory(project=world.project_a, village=world.village_a)
    kept = [_receive(world, form, activity, [world.woman_a]) for _ in range(3)]
    assert set(ApplyQueue.objects.values_list("root_id", flat=True)) == {s.root_id for s in kept}
    assert _asked() == 1


def test_a_submission_not_kept_leaves_nothing_queued(world, form):
    activity = ActivityFactory(project=world.project_a, village=world.village_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        _receive(world, form, activity, [world.woman_a])
        raise RuntimeError("the server stopped before the submission was kept")
    assert not ApplyQueue.objects.exists() and not Submission.objects.exists()


def test_the_worker_applies_a_queue_longer_than_a_batch_and_empties_it(world, form, monkeypatch):
    monkeypatch.setattr(services, "APPLY_BATCH", 2)
    activity = ActivityFactory(project=world.project_a, village=world.village_a)
    women = [ParticipantFactory(village=world.village_a) for _ in range(5)]
    for woman in women:
        _receive(world, form, activity, [woman])
    _work()
    assert set(Submission.objects.values_list("status", flat=True)) == {RowStatus.APPLIED}
    assert activity.attendances.count() == 5 and not ApplyQueue.objects.exists()


def test_a_fault_in_one_chain_marks_it_failed_and_the_others_are_applied(world, form, monkeypatch):
    broken = ActivityFactory(project=world.project_a, village=world.village_a)
    good = ActivityFactory(project=world.project_a, village=world.village_a)
    record_many = appliers.attendances_record_many

    def fault(*, activity, **kwargs):
        if activity == broken:
            raise RuntimeError("a bug of Tonle's")
        return record_many(activity=activity, **kwargs)

    monkeypatch.setattr(appliers, "attendances_record_many", fault)
    failing = _receive(world, form, broken, [world.woman_a])
    applied = _receive(world, form, good, [world.woman_a])
    assert apply_queue_run() == 2
    failing.refresh_from_db()
    applied.refresh_from_db()
    assert failing.status == RowStatus.FAILED and "fault of its own" in failing.errors[""]
    assert applied.status == RowStatus.APPLIED and good.attendances.count() == 1
    assert not broken.attendances.exists() and not ApplyQueue.objects.exists()


def test_chains_a_dead_worker_left_queued_are_handed_to_the_worker_again(world, form):
    activity = ActivityFactory(project=world.project_a, village=world.village_a)
    kept = _receive(world, form, activity, [world.woman_a])
    DBTaskResult.objects.all().delete()  # the task was taken by a worker that died
    apply_queue_sweep()
    assert _asked() == 1
    apply_queue_sweep()  # asked already: not asked twice
    assert _asked() == 1
    _work()
    kept.refresh_from_db()
    assert kept.status == RowStatus.APPLIED and activity.attendances.count() == 1


def test_the_women_of_a_form_are_recorded_in_the_same_number_of_queries_however_many(world, form):
    _work()
    costs = []
    for count in (2, 12):
        activity = ActivityFactory(project=world.project_a, village=world.village_a)
        women = [ParticipantFactory(village=world.village_a) for _ in range(count)]
        _receive(world, form, activity, women)
        with CaptureQueriesContext(connection) as queries:
            apply_queue_run()
        assert activity.attendances.count() == count
        costs.append(len(queries))
    assert costs[0] == costs[1], costs
