"""Taking attendance: tick, untick, register at the door, and the rules an activity keeps."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tonle.people.models import Participant
from tonle.programs.models import Attendance
from tonle.programs.services import activity_create, attendance_record, attendance_remove
from tonle.programs.tests.factories import (
    ActivityFactory,
    ActivityTypeFactory,
    ComponentFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_ticking_twice_keeps_one_attendance_and_history_keeps_the_untick(world):
    activity = ActivityFactory(project=world.project_a)
    _a, created = attendance_record(
        by=world.officer_a, activity=activity, participant=world.woman_a
    )
    _b, again = attendance_record(by=world.officer_a, activity=activity, participant=world.woman_a)
    assert (created, again) == (True, False)
    assert Attendance.objects.filter(activity=activity).count() == 1

    attendance_remove(by=world.officer_a, activity=activity, participant=world.woman_a)

    kinds = list(
        Attendance.history.filter(activity_id=activity.pk)
        .order_by("history_id")
        .values_list("history_type", "history_user")
    )
    assert kinds == [("+", world.officer_a.pk), ("-", world.officer_a.pk)]


def test_activity_must_be_in_the_projects_communities_and_period(world):
    component = ComponentFactory(project=world.project_a)
    base = {"by": world.officer_a, "project": world.project_a, "component": component,
            "activity_type": ActivityTypeFactory(), "name_en": "Health"}  # fmt: skip
    with pytest.raises(ValidationError) as outside:
        activity_create(**base, date=dt.date(2023, 1, 1), village=world.village_b)
    assert "village" in outside.value.message_dict
    with pytest.raises(ValidationError) as too_early:
        activity_create(**base, date=dt.date(2019, 1, 1), village=world.village_a)
    assert "date" in too_early.value.message_dict


def test_phone_flow_search_two_letters_then_tick(client, world):
    activity = ActivityFactory(project=world.project_a)
    client.force_login(world.officer_a)
    candidates = client.get(
        reverse("programs-attendance-candidates", args=[activity.pk]), {"q": "ch"}, **HTMX
    )
    assert world.woman_a in candidates.context["people"]

    ticked = client.post(
        reverse("programs-attendance-add", args=[activity.pk, world.woman_a.pk]), **HTMX
    )

    assert ticked.status_code == 200
    assert ticked["HX-Trigger"] == "attendance-changed"
    assert world.woman_a in ticked.context["attendees"]


def test_register_at_the_door_marks_her_present_and_warns_of_a_likely_duplicate(client, world):
    activity = ActivityFactory(project=world.project_a)
    client.force_login(world.officer_a)
    url = reverse("programs-attendance-register", args=[activity.pk])
    data = {
        "name_latin": "Chan Sophea",
        "birth_year": "1990",
        "village": world.village_a.pk,
        "consent_given": "on",
    }

    warned = client.post(url, data, **HTMX)

    assert warned["HX-Retarget"] == "#register"
    assert world.woman_a in [match.person for match in warned.context["duplicates"]]
    assert not activity.attendances.exists()

    fresh = client.post(url, {**data, "name_latin": "Nov Malis", "name_km": "នូវ ម្លិះ"}, **HTMX)

    assert fresh.status_code == 200
    newcomer = Participant.objects.get(name_latin="Nov Malis")
    assert newcomer.consent_given and newcomer.consent_recorded_by == world.officer_a
    assert activity.attendances.filter(participant=newcomer).exists()


def test_a_tick_empties_the_search_and_leaves_the_door_registration_as_she_has_it(client, world):
    activity = ActivityFactory(project=world.project_a, village=world.village_a)
    client.force_login(world.officer_a)
    add = reverse("programs-attendance-add", args=[activity.pk, world.woman_a.pk])
    page = client.post(add, **HTMX).content.decode()
    assert 'id="candidates" hx-swap-oob="true"' in page
    assert 'id="register"' not in page  # what she is typing there for another woman stays
    # "This is her: present", from the registration's warning of a likely duplicate: emptied.
    found = client.post(add, {"from": "register"}, **HTMX).content.decode()
    assert 'id="register" hx-swap-oob="true"' in found
    registered = client.post(
        reverse("programs-attendance-register", args=[activity.pk]),
        {"name_latin": "Nov Malis", "birth_year": "1990", "village": world.village_a.pk,
         "confirm_new": "on"},
        **HTMX,
    ).content.decode()  # fmt: skip
    assert 'id="register" hx-swap-oob="true"' in registered


def test_field_officer_cannot_open_or_change_another_projects_activity(client, world):
    activity = ActivityFactory(project=world.project_b)
    client.force_login(world.officer_a)
    assert client.get(reverse("programs-activity", args=[activity.pk])).status_code == 404
    response = client.post(reverse("programs-attendance-add", args=[activity.pk, world.woman_b.pk]))
    assert response.status_code == 404
    assert not activity.attendances.exists()


def test_field_officer_cannot_tick_someone_she_may_not_see(client, world):
    activity = ActivityFactory(project=world.project_a)
    client.force_login(world.officer_a)
    response = client.post(reverse("programs-attendance-add", args=[activity.pk, world.woman_b.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["donor", "mentor"])
def test_only_staff_take_attendance(client, world, persona):
    activity = ActivityFactory(project=world.project_a)
    client.force_login(getattr(world, persona))
    assert client.get(reverse("programs-activity", args=[activity.pk])).status_code == 403


def test_activity_page_query_count_does_not_grow_with_attendees(
    client, world, django_assert_max_num_queries
):
    from tonle.people.tests.factories import ParticipantFactory

    activity = ActivityFactory(project=world.project_a)
    for person in ParticipantFactory.create_batch(30, village=world.village_a):
        attendance_record(by=None, activity=activity, participant=person)
    client.force_login(world.officer_a)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("programs-activity", args=[activity.pk]))
    assert len(response.context["attendees"]) == 30


def test_unticking_from_the_list_removes_only_the_woman_whose_button_was_pressed(client, world):
    activity = ActivityFactory(project=world.project_a)
    for person in (world.woman_a, world.mentee):
        attendance_record(by=world.officer_a, activity=activity, participant=person)
    client.force_login(world.officer_a)
    url = reverse("programs-attendance-remove", args=[activity.pk])
    response = client.post(url, {"participant": world.woman_a.pk}, **HTMX)
    assert response.status_code == 200
    assert list(activity.attendances.values_list("participant", flat=True)) == [world.mentee.pk]
    assert client.post(url, {"participant": "nobody"}).status_code == 404


def test_registered_and_marked_present_is_said_on_the_activity_page_and_not_later(client, world):
    """The register-her-here form is htmx: its message comes in its answer, out of band."""
    activity = ActivityFactory(project=world.project_a)
    client.force_login(world.officer_a)
    data = {"name_latin": "Nov Malis", "birth_year": "1990", "village": world.village_a.pk,
            "consent_given": "on"}  # fmt: skip

    answer = client.post(
        reverse("programs-attendance-register", args=[activity.pk]), data, **HTMX
    ).content.decode()

    region = answer[answer.index('<div id="messages"') :]
    assert region.startswith('<div id="messages" role="status" hx-swap-oob="true">')
    assert "Nov Malis is registered and marked present." in region
    later = client.get(reverse("programs-activity", args=[activity.pk])).content.decode()
    assert "registered and marked present" not in later
    assert '<div id="messages" role="status">' in later  # the region the message swaps into


def test_a_tick_reads_the_same_few_queries_however_many_are_present(client, world):
    """An officer ticks a woman every few seconds at the door: her answer is the attendee list
    and the blank registration form, nothing else of the page (not the sign-in sheets)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tonle.people.tests.factories import ParticipantFactory

    activity = ActivityFactory(project=world.project_a)
    client.force_login(world.officer_a)

    def tick_queries(present: int) -> list[str]:
        for person in ParticipantFactory.create_batch(present, village=world.village_a):
            attendance_record(by=None, activity=activity, participant=person)
        woman = ParticipantFactory(village=world.village_a)
        url = reverse("programs-attendance-add", args=[activity.pk, woman.pk])
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, **HTMX).status_code == 200
        return [q["sql"] for q in queries.captured_queries]

    few, many = tick_queries(2), tick_queries(60)
    # Session and user; the activity and the woman (in scope); is she ticked already; the
    # attendance and its history in one transaction; the list's count and first page (the
    # door registration form is left as the officer has it, not made again).
    assert len(few) == len(many) == 11, "\n".join(many)
    assert not [sql for sql in many if "collect_upload" in sql]
