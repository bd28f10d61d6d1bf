"""The precomputed reach cells always equal a plain COUNT(DISTINCT) over the records."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tonle.accounts.tests.factories import UserFactory
from tonle.geo.tests.factories import VillageFactory
from tonle.people.services import participant_update
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Activity
from tonle.programs.services import attendance_record, attendance_remove
from tonle.programs.sheets import attendance_sheet_upload
from tonle.programs.tests.factories import (
    ActivityFactory,
    ActivityTypeFactory,
    ComponentFactory,
    ProjectFactory,
)
from tonle.results.cells import reach_rebuild, reach_refresh
from tonle.results.models import ReachCell
from tonle.results.reach import reach_figures, reach_total, sql_reach_figures, sql_reach_total


def _as_dict(figures):
    return {
        "total": figures.total,
        **{code: {c.key: c.count for c in cells} for code, cells in figures.splits.items()},
    }


def assert_cells_equal_sql(project):
    """Read as a reader does (stored cells caught up in memory), then as they stand after the
    worker saved them caught up: both equal SQL."""
    assert _as_dict(reach_figures(project=project)) == _as_dict(sql_reach_figures(project=project))
    reach_refresh(project=project)
    assert _as_dict(reach_figures(project=project)) == _as_dict(sql_reach_figures(project=project))


def test_cells_follow_ticks_unticks_corrections_and_moved_activities(world):
    project, officer = world.project_a, world.officer_a
    other_village = VillageFactory()
    project.communities.add(other_village)
    first = ActivityFactory(project=project, date=dt.date(2023, 1, 10))
    second = ActivityFactory(project=project, date=dt.date(2023, 7, 10))
    women = ParticipantFactory.create_batch(4, village=world.village_a)
    assert_cells_equal_sql(project)  # built from nothing

    for person in women[:3]:
        attendance_record(by=officer, activity=first, participant=person)
    attendance_record(by=officer, activity=second, participant=women[0])
    assert_cells_equal_sql(project)
    assert reach_figures(project=project).total == 3

    attendance_remove(by=officer, activity=first, participant=women[0])
    assert_cells_equal_sql(project)  # still there through the second activity

    participant_update(participant=women[1], by=officer, birth_year=2010)
    assert_cells_equal_sql(project)  # now a girl

    second.village, second.date = other_village, dt.date(2024, 2, 1)
    second._history_user = officer
    second.save()
    assert_cells_equal_sql(project)  # moved to another community and quarter

    first._history_user = officer
    first.delete()
    assert_cells_equal_sql(project)
    assert reach_figures(project=project).total == 1


def test_rebuild_gives_the_same_cells_as_catching_up(world):
    activity = ActivityFactory(project=world.project_a)
    for person in ParticipantFactory.create_batch(5, village=world.village_a):
        attendance_record(by=world.officer_a, activity=activity, participant=person)
    caught_up = {(c.dimension, c.key): c.count for c in _cells(world.project_a)}
    reach_rebuild(project=world.project_a)
    assert {(c.dimension, c.key): c.count for c in _cells(world.project_a)} == caught_up


def _cells(project):
    reach_refresh(project=project)  # as the worker does
    return ReachCell.objects.filter(project=project)


operations = st.lists(
    st.tuples(
        st.sampled_from(["attend", "leave", "birth_year", "move"]),
        st.integers(0, 7),  # which woman
        st.integers(0, 3),  # which activity
        st.integers(1950, 2015),
    ),
    max_size=25,
)


class CellsEqualSqlOnRandomHistories(TestCase):
    """Any sequence of ticks, unticks, corrections and moves leaves cells equal to SQL."""

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(operations)
    def test_cells_equal_sql_after_any_sequence(self, steps):
        by = UserFactory()
        villages = [VillageFactory(), VillageFactory()]
        project = ProjectFactory(communities=villages)
        components = [ComponentFactory(project=project), ComponentFactory(project=project)]
        types = [ActivityTypeFactory(), ActivityTypeFactory(code="forum", name_en="Forum")]
        activities = [
            ActivityFactory(project=project, village=villages[i % 2], component=components[i // 2],
                            activity_type=types[i % 2], date=dt.date(2022 + i % 2, 1 + 3 * i, 5))
            for i in range(4)
        ]  # fmt: skip
        women = [ParticipantFactory(village=villages[i % 2], birth_year=1990 + i) for i in range(8)]
        reach_rebuild(project=project)
        for kind, woman, activity_index, year in steps:
            person, activity = women[woman], activities[activity_index]
            if kind == "attend":
                attendance_record(by=by, activity=activity, participant=person)
            elif kind == "leave":
                attendance_remove(by=by, activity=activity, participant=person)
            elif kind == "birth_year":
                participant_update(participant=person, by=by, birth_year=year)
            else:
                Activity.objects.get(pk=activity.pk)
                activity.date = dt.date(year % 2 + 2022, year % 12 + 1, 1)
                activity.village = villages[year % 2]
                activity._history_user = by
                activity.save()
        assert_cells_equal_sql(project)


def _sheet(world, rows):
    header = "name_km,name_latin,sex,birth_year,village,phone,consent\n"
    return (
        header + "".join(r.replace("{village}", world.village_a.code) + "\n" for r in rows)
    ).encode()


def test_the_reach_figures_follow_a_sheet(world):
    activity = ActivityFactory(project=world.project_a)
    before = reach_total(project=world.project_a)
    rows = [f"ស្រី{n},Srey {n},F,1990,{{village}},,yes" for n in range(30)]
    attendance_sheet_upload(
        by=world.officer_a, activity=activity, file_name="b.csv", data=_sheet(world, rows)
    )
    assert (
        reach_total(project=world.project_a)
        == sql_reach_total(project=world.project_a)
        == before + 30
    )
