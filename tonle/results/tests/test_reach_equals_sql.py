"""The dashboard's reach, read from the grid of women and girls attending, always equals a plain
COUNT(DISTINCT) over the records, as a reader counts it and as the worker saves it."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tonle.accounts.tests.factories import UserFactory
from tonle.geo.tests.factories import VillageFactory
from tonle.lib.models import recorded_by
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
from tonle.results.grid import Grid, grid_rebuild, grid_refresh
from tonle.results.models import IndicatorGrid
from tonle.results.reach import (
    REACH,
    reach_figures,
    reach_ids,
    reach_total,
    sql_reach_figures,
    sql_reach_people,
    sql_reach_total,
)


def _as_dict(figures):
    return {
        "total": figures.total,
        **{code: {c.key: c.count for c in cells} for code, cells in figures.splits.items()},
    }


def assert_reach_equals_sql(project):
    """Read as a reader does (the stored grid caught up in memory), then as it stands after the
    worker saved it caught up, then as another process reads it from the database: each time
    every figure, and the people behind each, equal SQL."""
    for _read in range(3):
        figures = reach_figures(project=project)
        assert _as_dict(figures) == _as_dict(sql_reach_figures(project=project))
        for code, cells in figures.splits.items():
            for cell in cells:
                people = sql_reach_people(project=project, dimension=code, key=cell.key)
                assert set(reach_ids(project=project, dimension=code, key=cell.key)) == set(
                    people.values_list("pk", flat=True)
                )
        grid_refresh(project=project, definition=REACH)
    stored = IndicatorGrid.objects.get(project=project, definition=REACH)
    fresh = Grid.deserialize(bytes(stored.data))
    assert len(fresh.union(range(len(fresh.bitmaps)))) == sql_reach_total(project=project)


def test_reach_follows_ticks_unticks_corrections_and_moved_activities(world):
    project, officer = world.project_a, world.officer_a
    other_village = VillageFactory()
    project.communities.add(other_village)
    first = ActivityFactory(project=project, date=dt.date(2023, 1, 10))
    second = ActivityFactory(project=project, date=dt.date(2023, 7, 10))
    women = ParticipantFactory.create_batch(4, village=world.village_a)
    assert_reach_equals_sql(project)  # built from nothing

    for person in women[:3]:
        attendance_record(by=officer, activity=first, participant=person)
    attendance_record(by=officer, activity=second, participant=women[0])
    assert_reach_equals_sql(project)
    assert reach_figures(project=project).total == 3

    attendance_remove(by=officer, activity=first, participant=women[0])
    assert_reach_equals_sql(project)  # still there through the second activity

    participant_update(participant=women[1], by=officer, birth_year=2010)
    assert_reach_equals_sql(project)  # now a girl

    second.village, second.date = other_village, dt.date(2024, 2, 1)
    recorded_by(second, user=officer)
    second.save()
    assert_reach_equals_sql(project)  # moved to another community and quarter

    recorded_by(first, user=officer)
    first.delete()
    assert_reach_equals_sql(project)
    assert reach_figures(project=project).total == 1


def test_rebuild_gives_the_same_figures_as_catching_up(world):
    activity = ActivityFactory(project=world.project_a)
    grid_rebuild(project=world.project_a, definition=REACH)
    for person in ParticipantFactory.create_batch(5, village=world.village_a):
        attendance_record(by=world.officer_a, activity=activity, participant=person)
    grid_refresh(project=world.project_a, definition=REACH)  # as the worker does
    caught_up = _as_dict(reach_figures(project=world.project_a))
    grid_rebuild(project=world.project_a, definition=REACH)
    assert _as_dict(reach_figures(project=world.project_a)) == caught_up


operations = st.lists(
    st.tuples(
        st.sampled_from(["attend", "leave", "birth_year", "move"]),
        st.integers(0, 7),  # which woman
        st.integers(0, 3),  # which activity
        st.integers(1950, 2015),
    ),
    max_size=25,
)


class ReachEqualsSqlOnRandomHistories(TestCase):
    """Any sequence of ticks, unticks, corrections and moves leaves the reach equal to SQL."""

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(operations)
    def test_reach_equals_sql_after_any_sequence(self, steps):
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
        grid_rebuild(project=project, definition=REACH)
        reach_figures(project=project)  # the whole splits worked out, then carried over
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
                recorded_by(activity, user=by)
                activity.save()
        assert_reach_equals_sql(project)


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
