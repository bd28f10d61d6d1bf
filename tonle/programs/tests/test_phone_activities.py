"""The activities on the phone (activities.csv): her own scope only, recent and coming ones."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from tonle.programs.phones import COLUMNS, DAYS_BACK, activities_csv
from tonle.programs.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _rows(user) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(activities_csv(user).decode())))
    assert rows == [] or list(rows[0]) == COLUMNS
    return rows


def test_no_activity_outside_her_scope_is_in_her_file(world):
    today = timezone.localdate()
    ours = ActivityFactory(project=world.project_a, date=today, name_en="Savings training",
                           name_km="វគ្គសន្សំប្រាក់")  # fmt: skip
    theirs = ActivityFactory(project=world.project_b, date=today)
    [row] = _rows(world.officer_a)
    assert row["name"] == str(ours.pk)
    assert (row["name_en"], row["name_km"], row["date"]) == (
        "Savings training", "វគ្គសន្សំប្រាក់", today.isoformat()
    )  # fmt: skip
    assert "Savings training" in row["label"] and "វគ្គសន្សំប្រាក់" in row["label"]
    assert row["village"] == world.village_a.name_en
    assert [row["name"] for row in _rows(world.officer_b)] == [str(theirs.pk)]
    assert _rows(world.donor) == []  # a donor records no attendance


def test_her_file_holds_recent_and_coming_activities_oldest_first(world):
    today = timezone.localdate()
    old = ActivityFactory(project=world.project_a, date=today - dt.timedelta(days=DAYS_BACK + 1))
    recent = ActivityFactory(project=world.project_a, date=today - dt.timedelta(days=DAYS_BACK))
    coming = ActivityFactory(project=world.project_a, date=today + dt.timedelta(days=7))
    names = [row["name"] for row in _rows(world.officer_a)]
    assert names == [str(recent.pk), str(coming.pk)] and str(old.pk) not in names
