"""Reading the history tables: recent rows are read again (a late commit can carry a lower
id) but never applied twice."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory
from tonle.results.bitmaps import changed_since


def test_recent_history_is_read_again_but_not_applied_twice(world):
    activity = ActivityFactory(project=world.project_a)
    first = Attendance.objects.create(activity=activity, participant=ParticipantFactory())
    second = Attendance.objects.create(activity=activity, participant=ParticipantFactory())
    first_row, second_row = Attendance.history.order_by("history_id").values_list(
        "history_id", flat=True
    )

    changes = changed_since(Attendance, 0)
    assert changes.inserted == {first.pk, second.pk} and changes.altered == set()
    assert changes.mark == 0  # too recent to move the mark past
    assert changes.seen == [first_row, second_row]

    again = changed_since(Attendance, changes.mark, changes.seen)
    assert (again.inserted, again.altered) == (set(), set())
    assert (again.mark, again.seen) == (0, [first_row, second_row])
    # As if the first row had committed after the second was read: it is found then.
    assert changed_since(Attendance, 0, [second_row]).inserted == {first.pk}


def test_a_record_changed_after_it_was_created_counts_as_altered(world):
    activity = ActivityFactory(project=world.project_a)
    attendance = Attendance.objects.create(activity=activity, participant=ParticipantFactory())
    pk = attendance.pk
    attendance.delete()
    changes = changed_since(Attendance, 0)
    assert (changes.inserted, changes.altered) == (set(), {pk})


def test_rows_already_seen_are_counted_not_read_again(world):
    activity = ActivityFactory(project=world.project_a)
    for _ in range(30):
        Attendance.objects.create(activity=activity, participant=ParticipantFactory())
    changes = changed_since(Attendance, 0)
    assert len(changes.seen) == 30
    newest = Attendance.objects.create(activity=activity, participant=ParticipantFactory())
    with CaptureQueriesContext(connection) as queries:
        again = changed_since(Attendance, changes.mark, changes.seen)
    assert again.inserted == {newest.pk} and len(again.seen) == 31
    # One count of the thirty seen, one read of what is new: the thirty are not read again.
    assert len(queries) == 2
    read = next(q["sql"] for q in queries.captured_queries if "COUNT" not in q["sql"].upper())
    assert f'"history_id" > {changes.seen[-1]}' in read
