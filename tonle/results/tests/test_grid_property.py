"""On random records, definitions, periods and cells, an indicator grid equals COUNT(DISTINCT) in SQL.

The grid is read once (built), then again after random changes (caught up from the history
tables), then once more from the database alone (as another process would read it).
"""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tonle.accounts.tests.factories import UserFactory
from tonle.geo.tests.factories import VillageFactory
from tonle.people.models import Participant
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Activity, Attendance
from tonle.programs.tests.factories import (
    ActivityFactory,
    ActivityTypeFactory,
    ComponentFactory,
    ProjectFactory,
    TopicFactory,
)
from tonle.referrals.models import ServiceDelivery
from tonle.results import grid as grid_module
from tonle.results.grid import grid_ids, grid_split
from tonle.results.indicators import (
    MEASURES,
    dimensions_of,
    indicator_people,
    indicator_split,
    indicator_value,
)

WOMEN, ACTIVITIES, MONTHS = 8, 6, 18
TOPICS = ["business", "health-care", "gender-equity"]
TYPES = ["training", "seminar"]
SERVICES = ["national_id", "health_visit"]

women = st.lists(
    st.tuples(
        st.sampled_from(["F", "F", "M"]),
        st.sampled_from([None, 2009, 2006, 1999, 1985, 1960]),
        st.booleans(),
    ),
    min_size=WOMEN,
    max_size=WOMEN,
)
pairs = st.tuples(st.integers(0, WOMEN - 1), st.integers(0, ACTIVITIES - 1))
changes = st.lists(
    st.one_of(
        st.tuples(st.just("tick"), pairs),
        st.tuples(st.just("untick"), pairs),
        st.tuples(st.just("move"), st.tuples(st.integers(0, ACTIVITIES - 1), st.integers(0, 2),
                                             st.integers(0, MONTHS - 1))),
        st.tuples(st.just("born"), st.tuples(st.integers(0, WOMEN - 1),
                                             st.sampled_from([None, 2010, 1990]))),
        st.tuples(st.just("moved_home"), st.tuples(st.integers(0, WOMEN - 1), st.integers(0, 2))),
        st.tuples(st.just("serve"), st.tuples(st.integers(0, WOMEN - 1),
                                               st.sampled_from(SERVICES), st.integers(0, MONTHS - 1))),
    ),
    max_size=6,
)  # fmt: skip
attending = st.fixed_dictionaries(
    {"measure": st.just("people_attending")},
    optional={
        "filters": st.fixed_dictionaries(
            {},
            optional={
                "topic": st.lists(st.sampled_from(TOPICS), min_size=1, max_size=2, unique=True),
                "activity_type": st.lists(st.sampled_from(TYPES), min_size=1, max_size=1),
                "sex": st.just(["F"]),
            },
        )
    },
)
served = st.fixed_dictionaries(
    {"measure": st.just("people_served")},
    optional={"filters": st.fixed_dictionaries({}, optional={"service": st.just(["national_id"])})},
)
periods = st.one_of(
    st.none(), st.tuples(st.integers(0, MONTHS - 1), st.integers(0, MONTHS - 1)).map(sorted)
)


def _month_start(index: int) -> dt.date:
    return dt.date(2023 + index // 12, index % 12 + 1, 1)


def _month_end(index: int) -> dt.date:
    return _month_start(index + 1) - dt.timedelta(days=1)


class GridEqualsSql(TestCase):
    def _world(self, people, ticks, serve_ticks):
        self.villages = [VillageFactory(), VillageFactory(), VillageFactory()]
        self.project = ProjectFactory(communities=self.villages)
        self.user = UserFactory()
        components = [ComponentFactory(project=self.project) for _ in range(2)]
        topics = [TopicFactory(code=code, name_en=code) for code in TOPICS]
        types = [ActivityTypeFactory(code=code, name_en=code) for code in TYPES]
        self.activities = [
            ActivityFactory(project=self.project, component=components[i % 2], topic=topics[i % 3],
                            activity_type=types[i % 2], village=self.villages[i % 3],
                            date=_month_start(3 * i).replace(day=10))
            for i in range(ACTIVITIES)
        ]  # fmt: skip
        self.women = [
            ParticipantFactory(sex=sex, birth_year=born, has_disability=disabled,
                               village=self.villages[i % 3])
            for i, (sex, born, disabled) in enumerate(people)
        ]  # fmt: skip
        for woman, activity in set(ticks):
            Attendance.objects.create(
                activity=self.activities[activity], participant=self.women[woman]
            )
        for woman, month in serve_ticks:
            self._serve(woman, "national_id", month)

    def _serve(self, woman, kind, month):
        ServiceDelivery.objects.create(
            participant=self.women[woman], project=self.project, kind=kind,
            delivered_on=_month_start(month).replace(day=20), recorded_by=self.user,
        )  # fmt: skip

    def _change(self, change):
        what, args = change
        if what == "tick":
            Attendance.objects.get_or_create(
                activity=self.activities[args[1]], participant=self.women[args[0]]
            )
        elif what == "untick":
            for row in Attendance.objects.filter(
                activity=self.activities[args[1]], participant=self.women[args[0]]
            ):
                row.delete()
        elif what == "move":
            activity = Activity.objects.get(pk=self.activities[args[0]].pk)
            activity.village, activity.date = self.villages[args[1]], _month_start(args[2])
            activity.save()
        elif what == "born":
            woman = Participant.objects.get(pk=self.women[args[0]].pk)
            woman.birth_year = args[1]
            woman.save()
        elif what == "moved_home":
            woman = Participant.objects.get(pk=self.women[args[0]].pk)
            woman.village = self.villages[args[1]]
            woman.save()
        else:
            self._serve(*args)

    def _assert_grid_equals_sql(self, definition, period, data):
        start, end = (_month_start(period[0]), _month_end(period[1])) if period else (None, None)
        scope = {"project": self.project, "definition": definition, "start": start, "end": end}
        sql_total = indicator_value(**scope)
        assert len(grid_ids(**scope)) == sql_total
        assert set(grid_ids(**scope)) == set(indicator_people(**scope).values_list("pk", flat=True))
        dimensions = dimensions_of(MEASURES[definition["measure"]])
        first = data.draw(st.sampled_from(dimensions))
        sql = indicator_split(dimension=first, **scope)
        grid = grid_split(by=(first,), **scope)
        assert {k[0]: len(v) for k, v in grid.items()} == sql
        # A roll-up and a cross grid: one cell of the first dimension, split by a second.
        second = data.draw(st.sampled_from([d for d in dimensions if d != first]))
        cross = grid_split(by=(first, second), **scope)
        for key in sql:
            inside = indicator_split(dimension=second, where={first: key}, **scope)
            assert {k[1]: len(v) for k, v in cross.items() if k[0] == key} == inside
            people = indicator_people(where={first: key}, **scope).values_list("pk", flat=True)
            assert set(grid_ids(where={first: key}, **scope)) == set(people)

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        women,
        st.lists(pairs, max_size=20),
        st.lists(st.tuples(st.integers(0, WOMEN - 1), st.integers(0, MONTHS - 1)), max_size=5),
        st.one_of(attending, served),
        changes,
        periods,
        st.data(),
    )
    def test_grid_equals_sql_before_and_after_changes(
        self, people, ticks, serve_ticks, definition, later, period, data
    ):
        self._world(people, ticks, serve_ticks)
        self._assert_grid_equals_sql(definition, period, data)  # never built: made in memory
        grid_module.grid_rebuild(project=self.project, definition=definition)
        self._assert_grid_equals_sql(definition, period, data)
        for change in later:
            self._change(change)
        self._assert_grid_equals_sql(definition, period, data)  # caught up in memory
        grid_module._AHEAD.clear()  # as another process reads it: from the stored marks
        self._assert_grid_equals_sql(definition, period, data)
        grid_module.grid_refresh(project=self.project, definition=definition)  # the worker
        self._assert_grid_equals_sql(definition, period, data)
        grid_module._LOADED.clear()  # as another process reads it: from the database
        grid_module._AHEAD.clear()
        self._assert_grid_equals_sql(definition, period, data)
