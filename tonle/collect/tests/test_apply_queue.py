"""The queue of submission chains waiting to be applied: filled in the transaction that keeps
a submission, worked through by the background worker in batches, never left behind."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from tonle.collect.instances import instance_read
from tonle.collect.models import ApplyQueue, RowStatus, Submission
from tonle.collect.ready_forms import FORMS, HERE
from tonle.collect.services import (
    apply_queue_run,
    apply_queue_sweep,
    form_upload,
    mapping_save,
    submission_receive,
    submission_unapply,
)
from tonle.collect.tasks import apply_queued
from tonle.collect.tests.phone import attendance_xml
from tonle.lib.testing.tasks import tasks_run
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs import appliers
from tonle.programs.tests.factories import ActivityFactory

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def form(world):
    form = form_upload(by=world.manager, project_id=world.project_a.pk, file_name="a.xlsx",
                       data=(HERE / "ccdo_attendance.xlsx").read_bytes())  # fmt: skip
    mapping_save(by=world.manager, form=form, kinds=FORMS["ccdo_attendance"]["mapping"])
    return form


def _receive(world, form, activity, women) -> Submission:
    xml = attendance_xml(
        f"uuid:{uuid.uuid4()}", activity.pk, [w.pk for w in women], version=form.version
    )
    submission, _new = submission_receive(
        by=world.officer_a, form=form, xml=xml, instance=instance_read(xml), parts=[],
        complete=True,
    )  # fmt: skip
    return submission


def _asked() -> int:
    return DBTaskResult.objects.filter(status="READY", task_path=apply_queued.module_path).count()


def test_a_kept_submission_is_queued_with_it_and_the_worker_asked_once(world, form):
    tasks_run()  # the mapping's own (empty) run
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


def test_the_worker_applies_a_queue_longer_than_a_batch_and_empties_it(world, form, settings):
    settings.TONLE_COLLECT_APPLY_BATCH = 2
    activity = ActivityFactory(project=world.project_a, village=world.village_a)
    women = [ParticipantFactory(village=world.village_a) for _ in range(5)]
    for woman in women:
        _receive(world, form, activity, [woman])
    tasks_run()
    assert set(Submission.objects.values_list("status", flat=True)) == {RowStatus.APPLIED}
    assert activity.attendances.count() == 5 and not ApplyQueue.objects.exists()


def test_a_fault_in_one_chain_marks_it_failed_and_the_others_are_applied(world, form, monkeypatch):
    broken = ActivityFactory(project=world.project_a, village=world.village_a)
    good = ActivityFactory(project=world.project_a, village=world.village_a)
    mark = appliers.attendances_mark

    def fault(*, marks, source):
        if any(activity == broken for _by, activity, _woman in marks):
            raise RuntimeError("a bug of Tonle's")
        return mark(marks=marks, source=source)

    monkeypatch.setattr(appliers, "attendances_mark", fault)
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
    tasks_run()
    kept.refresh_from_db()
    assert kept.status == RowStatus.APPLIED and activity.attendances.count() == 1


def test_the_women_of_a_form_are_recorded_in_the_same_number_of_queries_however_many(world, form):
    tasks_run()
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


def test_submissions_applied_together_cost_the_same_number_of_queries_however_many(world, form):
    tasks_run()
    costs = []
    for count in (3, 12):
        activity = ActivityFactory(project=world.project_a, village=world.village_a)
        for _ in range(count):
            _receive(world, form, activity, [ParticipantFactory(village=world.village_a)])
        with CaptureQueriesContext(connection) as queries:
            assert apply_queue_run() == count
        assert activity.attendances.count() == count
        costs.append(len(queries))
    assert costs[0] == costs[1], costs


def test_two_submissions_applied_together_naming_the_same_woman_record_her_once_and_both_hold_it(
    world, form
):
    activity = ActivityFactory(project=world.project_a, village=world.village_a)
    first = _receive(world, form, activity, [world.woman_a])
    second = _receive(world, form, activity, [world.woman_a])
    apply_queue_run()
    attendance = activity.attendances.get()
    assert attendance.history.get().history_user == world.officer_a
    submission_unapply(by=world.manager, submission=first)
    assert activity.attendances.filter(pk=attendance.pk).exists()  # the second still says so
    submission_unapply(by=world.manager, submission=second)
    assert not activity.attendances.exists()


def test_a_refused_submission_among_many_is_told_why_and_the_others_are_applied(world, form):
    activity = ActivityFactory(project=world.project_a, village=world.village_a)
    outsider = ParticipantFactory(village=world.village_b)  # not in officer A's communities
    good = [_receive(world, form, activity, [ParticipantFactory(village=world.village_a)])
            for _ in range(3)]  # fmt: skip
    refused = _receive(world, form, activity, [outsider])
    assert apply_queue_run() == 4
    refused.refresh_from_db()
    assert refused.status == RowStatus.FAILED
    assert list(refused.errors) == ["/data/women[1]/woman"], refused.errors
    assert str(outsider.pk) in refused.errors["/data/women[1]/woman"]
    assert {s.status for s in Submission.objects.filter(pk__in=[g.pk for g in good])} == {
        RowStatus.APPLIED
    }
    assert activity.attendances.count() == 3
