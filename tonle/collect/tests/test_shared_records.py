"""A record two chains both recorded (the same woman at the same activity, sent by two phones) or
that was there before any form: undoing one chain never removes what another still records, nor
what the web page recorded, even when one lets go of it at the very moment another claims it."""

from __future__ import annotations

import threading
import uuid

import pytest

from tonle.collect import services
from tonle.collect.instances import instance_read
from tonle.collect.models import AppliedRecord, RowStatus, Submission
from tonle.collect.ready_forms import FORMS, HERE
from tonle.collect.services import (
    form_upload,
    mapping_save,
    submission_apply,
    submission_correct,
    submission_receive,
    submission_unapply,
)
from tonle.collect.tests.phone import attendance_xml
from tonle.lib.testing.races import at_once, needs_waiting_connections
from tonle.people.models import Participant
from tonle.programs.models import Activity, Attendance, AttendanceSource
from tonle.programs.services import attendance_record
from tonle.programs.tests.factories import (
    ActivityFactory,
    ActivityTypeFactory,
    ComponentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def attendance_form(world):
    form = form_upload(by=world.manager, project_id=world.project_a.pk,
                       file_name="ccdo_attendance.xlsx",
                       data=(HERE / "ccdo_attendance.xlsx").read_bytes())  # fmt: skip
    mapping_save(by=world.manager, form=form, kinds=FORMS["ccdo_attendance"]["mapping"])
    return form


@pytest.fixture
def activity(world):
    return ActivityFactory(project=world.project_a, village=world.village_a)


def _received(form, by, activity: int, women: list[str], new: tuple = ()) -> Submission:
    """A submission of the attendance form, received and not applied yet."""
    xml = attendance_xml(f"uuid:{uuid.uuid4()}", activity, women, new=new)
    submission, _new = submission_receive(
        by=by, form=form, xml=xml, instance=instance_read(xml), parts=[], complete=True
    )
    return submission


def _applied(form, by, activity: int, women: list[str], new: tuple = ()) -> Submission:
    """A submission of the attendance form, received and applied (as the worker would)."""
    applied = submission_apply(submission=_received(form, by, activity, women, new))
    assert applied is not None and applied.status == RowStatus.APPLIED, applied and applied.errors
    return applied


def _present(activity) -> set[int]:
    return set(activity.attendances.values_list("participant_id", flat=True))


def test_a_woman_two_chains_recorded_stays_until_the_last_of_them_is_undone(
    world, attendance_form, activity
):
    woman = str(world.woman_a.pk)
    first = _applied(attendance_form, world.officer_a, activity.pk, [woman])
    second = _applied(attendance_form, world.officer_a, activity.pk, [woman])
    assert _present(activity) == {world.woman_a.pk}
    submission_unapply(by=world.manager, submission=first)
    assert _present(activity) == {world.woman_a.pk}  # the second form still says she attended
    assert submission_unapply(by=world.manager, submission=second) == 1
    assert _present(activity) == set()  # nobody else recorded her
    assert not AppliedRecord.objects.exists()


def test_the_later_chain_undone_first_leaves_her_too(world, attendance_form, activity):
    woman = str(world.woman_a.pk)
    first = _applied(attendance_form, world.officer_a, activity.pk, [woman])
    second = _applied(attendance_form, world.officer_a, activity.pk, [woman])
    submission_unapply(by=world.manager, submission=second)
    assert _present(activity) == {world.woman_a.pk}
    submission_unapply(by=world.manager, submission=first)
    assert _present(activity) == set()


def test_a_woman_ticked_on_the_web_page_is_never_removed_by_undoing_forms(
    world, attendance_form, activity
):
    attendance_record(by=world.officer_a, activity=activity, participant=world.woman_a,
                      source=AttendanceSource.WEB)  # fmt: skip
    woman = str(world.woman_a.pk)
    first = _applied(attendance_form, world.officer_a, activity.pk, [woman])
    second = _applied(attendance_form, world.officer_a, activity.pk, [woman])
    assert submission_unapply(by=world.manager, submission=second) == 0
    assert submission_unapply(by=world.manager, submission=first) == 0
    assert _present(activity) == {world.woman_a.pk}
    assert activity.attendances.get().source == AttendanceSource.WEB


def test_applying_a_chain_again_keeps_what_the_other_chain_records(
    world, attendance_form, activity
):
    """A correction, a new mapping or an import undone and run again all apply the chain anew,
    which first undoes it: the other chain's woman must survive that, and be undone with it."""
    woman = str(world.woman_a.pk)
    first = _applied(attendance_form, world.officer_a, activity.pk, [woman])
    second = _applied(attendance_form, world.officer_a, activity.pk, [woman, str(world.mentee.pk)])
    mapping_save(by=world.manager, form=attendance_form,
                 kinds=FORMS["ccdo_attendance"]["mapping"])  # fmt: skip
    for chain in (first, second):
        assert submission_apply(submission=chain).status == RowStatus.APPLIED
    assert _present(activity) == {world.woman_a.pk, world.mentee.pk}
    submission_unapply(by=world.manager, submission=first)
    assert _present(activity) == {world.woman_a.pk, world.mentee.pk}
    submission_unapply(by=world.manager, submission=second)
    assert _present(activity) == set()


def test_a_failed_edit_of_one_chain_does_not_disturb_the_other(world, attendance_form, activity):
    woman = str(world.woman_a.pk)
    _applied(attendance_form, world.officer_a, activity.pk, [woman])
    second = _applied(attendance_form, world.officer_a, activity.pk, [woman])
    second.status = RowStatus.FAILED
    second.save(update_fields=["status"])
    submission_correct(submission=second, corrections={"/data/women[1]/woman": "999999"})
    assert submission_apply(submission=second).status == RowStatus.FAILED
    assert _present(activity) == {world.woman_a.pk}


def test_a_woman_registered_at_the_door_stays_while_another_form_records_her(
    world, attendance_form, activity
):
    first = _applied(attendance_form, world.officer_a, activity.pk, [], new=(("Sok Lina", 1990),))
    lina = Participant.objects.get(name_latin="Sok Lina")
    later = ActivityFactory(project=world.project_a, village=world.village_a)
    second = _applied(attendance_form, world.officer_a, later.pk, [str(lina.pk)])
    submission_unapply(by=world.manager, submission=first)
    assert _present(activity) == set()
    assert Participant.objects.filter(pk=lina.pk).exists() and _present(later) == {lina.pk}
    submission_unapply(by=world.manager, submission=second)
    assert not Participant.objects.filter(pk=lina.pk).exists()  # no form records her any more


def test_undoing_the_chain_that_made_an_activity_keeps_it_while_another_records_attendance(
    world, attendance_form
):
    """An activity made by one form and picked by its id in another: withdrawing it would take
    the other form's attendances with it."""
    component = ComponentFactory(project=world.project_a)
    kinds = FORMS["ccdo_attendance"]["mapping"]
    plan = kinds["programs.attendance"]
    making = {k: v for k, v in plan["fields"].items() if k != "activity"}
    mapping_save(by=world.manager, form=attendance_form, kinds={"programs.attendance": {
        "fields": making,
        "constants": {"component": str(component.pk), "activity_type": str(ActivityTypeFactory().pk),
                      "village": str(world.village_a.pk), "date": "2026-12-01",
                      "name_en": "Savings training"},
    }})  # fmt: skip
    maker = _applied(attendance_form, world.officer_a, 0, [str(world.woman_a.pk)])
    activity = Activity.objects.get(component=component)
    mapping_save(by=world.manager, form=attendance_form, kinds=kinds)
    other = _applied(attendance_form, world.officer_a, activity.pk, [str(world.mentee.pk)])
    submission_unapply(by=world.manager, submission=maker)
    assert _present(activity) == {world.mentee.pk}
    submission_unapply(by=world.manager, submission=other)
    assert not Activity.objects.filter(pk=activity.pk).exists()


def _pause_once(monkeypatch, name: str, *, reached: threading.Event, until: threading.Event,
                wait: float) -> None:  # fmt: skip
    """The claiming chain stops once in `name`, after it found the record, for the other."""
    original = getattr(services, name)
    paused = []

    def paused_once(*args, **kwargs):
        if not paused:
            paused.append(True)
            reached.set()
            until.wait(timeout=wait)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, name, paused_once)


def _race(world, attendance_form, activity, monkeypatch, *, pause_in: str, wait: float):
    woman = str(world.woman_a.pk)
    first = _applied(attendance_form, world.officer_a, activity.pk, [woman])
    second = _received(attendance_form, world.officer_a, activity.pk, [woman])
    reached, released = threading.Event(), threading.Event()
    _pause_once(monkeypatch, pause_in, reached=reached, until=released, wait=wait)

    def let_go():
        assert reached.wait(timeout=10)
        try:
            return submission_unapply(by=world.manager, submission=first)
        finally:
            released.set()

    claiming, letting_go = at_once(lambda: submission_apply(submission=second), let_go)
    assert not isinstance(claiming, Exception), claiming
    assert not isinstance(letting_go, Exception), letting_go
    assert claiming.status == RowStatus.APPLIED
    # She attended as the second form says, and its claim is on her attendance, owned.
    assert _present(activity) == {world.woman_a.pk}
    claim = AppliedRecord.objects.get(submission=second, model="attendance")
    assert (claim.object_id, claim.owns) == (Attendance.objects.get(activity=activity).pk, True)


@needs_waiting_connections
@pytest.mark.django_db(transaction=True)
def test_a_record_let_go_before_the_claim_on_it_is_kept_is_made_again(
    world, attendance_form, activity, monkeypatch
):
    """The second chain found her attendance; the first undoes it and commits before the
    second keeps its claim: the second sees it gone and is applied again, making it anew."""
    _race(world, attendance_form, activity, monkeypatch, pause_in="_claims", wait=10)


@needs_waiting_connections
@pytest.mark.django_db(transaction=True)
def test_a_record_claimed_while_it_is_let_go_stays_with_the_claiming_chain(
    world, attendance_form, activity, monkeypatch
):
    """The second chain has kept its claim but not committed when the first lets go: the first
    waits for the record's lock, then sees the claim and hands the record over."""
    _race(world, attendance_form, activity, monkeypatch, pause_in="_older_replaced", wait=3)
