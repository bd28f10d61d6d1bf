"""On random attendance and random definitions, an indicator's figure and splits equal a count made in Python."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tonle.geo.tests.factories import VillageFactory
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import (
    ActivityFactory,
    ActivityTypeFactory,
    ComponentFactory,
    ProjectFactory,
    TopicFactory,
)
from tonle.results.indicators import indicator_split, indicator_value

TOPICS = ["business", "health-care", "gender-equity"]
TYPES = ["training", "seminar"]

attendances = st.lists(
    st.tuples(st.integers(0, 7), st.integers(0, 5)), max_size=40
)  # (woman, activity)
definitions = st.fixed_dictionaries(
    {"measure": st.just("people_attending")},
    optional={
        "filters": st.fixed_dictionaries(
            {},
            optional={
                "topic": st.lists(st.sampled_from(TOPICS), min_size=1, max_size=2, unique=True),
                "activity_type": st.lists(st.sampled_from(TYPES), min_size=1, max_size=1),
            },
        ),
        "at_least": st.integers(1, 3),
    },
)


class IndicatorEqualsACountInPython(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(attendances, definitions, st.sampled_from(["quarter", "community", "activity_type"]))
    def test_figure_and_split_equal_the_count_made_in_python(self, rows, definition, dimension):
        villages = [VillageFactory(), VillageFactory()]
        project = ProjectFactory(communities=villages)
        component = ComponentFactory(project=project)
        topics = [TopicFactory(code=code, name_en=code) for code in TOPICS]
        types = [ActivityTypeFactory(code=code, name_en=code) for code in TYPES]
        activities = [
            ActivityFactory(project=project, component=component, topic=topics[i % 3], activity_type=types[i % 2],
                            village=villages[i % 2], date=dt.date(2023, 1 + 2 * i, 1))
            for i in range(6)
        ]  # fmt: skip
        women = [ParticipantFactory(village=villages[i % 2]) for i in range(8)]
        for woman, activity in set(rows):
            Attendance.objects.create(activity=activities[activity], participant=women[woman])

        filters = definition.get("filters", {})
        chosen = [
            (w, a)
            for w, a in set(rows)
            if (not filters.get("topic") or activities[a].topic.code in filters["topic"])
            and (
                not filters.get("activity_type")
                or activities[a].activity_type.code in filters["activity_type"]
            )
        ]
        per_woman = {w: sum(1 for x, _a in chosen if x == w) for w, _a in chosen}
        counted = [(w, a) for w, a in chosen if per_woman[w] >= definition.get("at_least", 1)]

        def key(a):
            act = activities[a]
            return {
                "quarter": f"{act.date.year}-Q{(act.date.month - 1) // 3 + 1}",
                "community": str(act.village_id),
                "activity_type": str(act.activity_type_id),
            }[dimension]

        expected = {}
        for w, a in counted:
            expected.setdefault(key(a), set()).add(w)
        assert indicator_value(project=project, definition=definition) == len(
            {w for w, _a in counted}
        )
        split = indicator_split(project=project, definition=definition, dimension=dimension)
        assert split == {k: len(v) for k, v in expected.items()}
