"""Registering a woman at the door and marking her present is one write: both or neither."""

from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse

from tonle.people.models import Participant
from tonle.programs.models import Attendance
from tonle.programs.services import attendance_register_and_record
from tonle.programs.tests.factories import ActivityFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def _tick_fails():
    return mock.patch.object(Attendance, "save", side_effect=DatabaseError("disk full"))


def test_a_tick_that_fails_at_the_door_leaves_no_woman_registered(client, world):
    activity = ActivityFactory(project=world.project_a)
    client.force_login(world.officer_a)
    data = {"name_latin": "Nov Malis", "birth_year": "1990", "village": world.village_a.pk}
    with _tick_fails(), pytest.raises(DatabaseError):
        client.post(reverse("programs-attendance-register", args=[activity.pk]), data, **HTMX)
    assert not Participant.objects.filter(name_latin="Nov Malis").exists()
    assert not activity.attendances.exists()


def test_the_door_service_registers_her_and_marks_her_present_with_history(world):
    activity = ActivityFactory(project=world.project_a)
    woman, attendance = attendance_register_and_record(
        by=world.officer_a, activity=activity, village=world.village_a, name_latin="Nov Malis"
    )
    assert attendance.participant == woman and attendance.activity == activity
    assert woman.history.get().history_user == world.officer_a
    assert attendance.history.get().history_user == world.officer_a


def test_the_door_service_rolls_back_her_registration_when_the_tick_fails(world):
    activity = ActivityFactory(project=world.project_a)
    with _tick_fails(), pytest.raises(DatabaseError):
        attendance_register_and_record(
            by=world.officer_a, activity=activity, village=world.village_a, name_latin="Nov Malis"
        )
    assert not Participant.objects.filter(name_latin="Nov Malis").exists()
