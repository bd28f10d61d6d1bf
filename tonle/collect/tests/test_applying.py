"""Submissions applied to the records through a form's mapping: once, with the newest version of
each chain, in the background; a failure keeps its reason per field until it is corrected."""

from __future__ import annotations

import uuid

import pytest

from tonle.collect.models import AppliedRecord, RowStatus, Submission
from tonle.collect.ready_forms import FORMS, HERE
from tonle.collect.services import form_upload, mapping_save, submission_correct
from tonle.collect.tests.phone import attendance_xml, with_phone_password
from tonle.lib.testing.tasks import tasks_run
from tonle.people.models import Participant
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory

pytestmark = pytest.mark.usefixtures("transactional_db")


def _id() -> str:
    return f"uuid:{uuid.uuid4()}"


def _ccdo(form_id: str, world):
    form = form_upload(by=world.manager, project_id=world.project_a.pk,
                       file_name=f"{form_id}.xlsx", data=(HERE / f"{form_id}.xlsx").read_bytes())  # fmt: skip
    mapping_save(by=world.manager, form=form, kinds=FORMS[form_id]["mapping"])
    return form


@pytest.fixture
def attendance_form(world):
    with_phone_password(world.officer_a)
    return _ccdo("ccdo_attendance", world)


def test_an_attendance_form_sent_by_phone_is_applied_once_in_the_background(
    collect_phone, live_server, world, attendance_form
):
    activity = ActivityFactory(project=world.project_a, village=world.village_a)
    phone = collect_phone("officer_a")
    first = _id()
    xml = attendance_xml(first, activity.pk, [str(world.woman_a.pk)], new=(("Sok Lina", 1990),))
    assert phone.submit(xml).status_code == 201
    kept = Submission.objects.get()
    assert kept.status == RowStatus.PENDING  # stored, not yet applied
    tasks_run()
    kept.refresh_from_db()
    assert kept.status == RowStatus.APPLIED, kept.errors
    assert activity.attendances.count() == 2
    lina = Participant.objects.get(name_latin="Sok Lina")
    assert lina.village_id == world.village_a.pk
    # The same submission again: acknowledged, stored once, applied once.
    assert phone.submit(xml).status_code == 201
    tasks_run()
    assert Submission.objects.count() == 1 and activity.attendances.count() == 2
    # An edit (deprecatedID), as Collect resends the whole form: woman_a is no longer
    # present. The first version is undone and the edit applied: Lina is there once.
    edit = _id()
    assert phone.submit(attendance_xml(edit, activity.pk, [], new=(("Sok Lina", 1990),),
                                        deprecated_id=first)).status_code == 201  # fmt: skip
    tasks_run()
    assert list(activity.attendances.values_list("participant__name_latin", flat=True)) == [
        "Sok Lina"
    ]
    # Lina is the same woman, taken up again (her id kept), not registered twice.
    assert list(Participant.objects.filter(name_latin="Sok Lina").values_list("pk", flat=True)) == [
        lina.pk
    ]
    statuses = dict(Submission.objects.values_list("instance_id", "status"))
    assert statuses == {first: RowStatus.REPLACED, edit: RowStatus.APPLIED}


def test_an_edit_arriving_before_the_version_it_replaces_ends_with_the_edit_applied(
    collect_phone, live_server, world, attendance_form
):
    activity = ActivityFactory(project=world.project_a, village=world.village_a)
    phone = collect_phone("officer_a")
    first, edit = _id(), _id()
    mentee = world.mentee
    phone.submit(attendance_xml(edit, activity.pk, [str(mentee.pk)], deprecated_id=first))
    tasks_run()
    phone.submit(attendance_xml(first, activity.pk, [str(world.woman_a.pk)]))
    tasks_run()
    assert list(activity.attendances.values_list("participant", flat=True)) == [mentee.pk]
    statuses = dict(Submission.objects.values_list("instance_id", "status"))
    assert statuses == {edit: RowStatus.APPLIED, first: RowStatus.REPLACED}


def test_a_failed_submission_keeps_its_reason_per_field_and_once_corrected_is_applied_once(
    collect_phone, live_server, world, attendance_form
):
    activity = ActivityFactory(project=world.project_a, village=world.village_a)
    collect_phone("officer_a").submit(attendance_xml(_id(), activity.pk, ["999999"]))
    tasks_run()
    failed = Submission.objects.get()
    assert failed.status == RowStatus.FAILED
    assert "999999" in failed.errors["/data/women[1]/woman"]
    submission_correct(
        submission=failed, corrections={"/data/women[1]/woman": str(world.woman_a.pk)}
    )
    tasks_run()
    tasks_run()
    failed.refresh_from_db()
    assert failed.status == RowStatus.APPLIED
    assert Attendance.objects.filter(activity=activity).count() == 1


def test_an_officer_cannot_attend_a_woman_outside_her_scope_through_a_form(
    collect_phone, live_server, world, attendance_form
):
    activity = ActivityFactory(project=world.project_a, village=world.village_a)
    collect_phone("officer_a").submit(attendance_xml(_id(), activity.pk, [str(world.woman_b.pk)]))
    tasks_run()
    refused = Submission.objects.get()
    assert refused.status == RowStatus.FAILED
    assert not Attendance.objects.filter(participant=world.woman_b).exists()
    assert world.woman_b.name_latin not in str(refused.errors)


def test_a_mapping_change_applies_every_submission_again_without_duplicates(
    collect_phone, live_server, world, attendance_form
):
    activity = ActivityFactory(project=world.project_a, village=world.village_a)
    phone = collect_phone("officer_a")
    for _n in range(2):
        phone.submit(attendance_xml(_id(), activity.pk, [], new=(("Sok Lina", 1990),)))
    tasks_run()
    assert Participant.objects.filter(name_latin="Sok Lina").count() == 2
    mapping = mapping_save(by=world.manager, form=attendance_form,
                           kinds=FORMS["ccdo_attendance"]["mapping"])  # fmt: skip
    tasks_run()
    assert Participant.objects.filter(name_latin="Sok Lina").count() == 2
    assert (
        activity.attendances.count() == 2 and AppliedRecord.objects.filter(owns=True).count() == 4
    )
    assert set(Submission.objects.values_list("mapping", flat=True)) == {mapping.pk}


def test_submission_unapply_undoes_what_the_chain_applied_and_it_waits_to_be_applied_again(
    collect_phone, live_server, world, attendance_form
):
    from tonle.collect.services import submission_apply, submission_unapply

    activity = ActivityFactory(project=world.project_a, village=world.village_a)
    collect_phone("officer_a").submit(
        attendance_xml(_id(), activity.pk, [str(world.woman_a.pk)], new=(("Sok Lina", 1990),))
    )
    tasks_run()
    submission = Submission.objects.get()
    assert submission_unapply(by=world.manager, submission=submission) == 3
    submission.refresh_from_db()
    assert submission.status == RowStatus.PENDING and not AppliedRecord.objects.exists()
    assert not activity.attendances.exists()
    assert not Participant.objects.filter(name_latin="Sok Lina").exists()
    assert Participant.history.filter(name_latin="Sok Lina", history_type="-").get().history_user \
        == world.manager  # fmt: skip
    # Applied again, once; and once more changes nothing.
    submission_apply(submission=submission)
    submission_apply(submission=submission)
    assert (
        activity.attendances.count() == 2 and AppliedRecord.objects.filter(owns=True).count() == 3
    )
