"""The framework page reads each table it labels from once, however many indicators and women.

Managers open it while fifty officers tick attendance: its queries are paid on every visit.
Only the grids' own catch-up (their stored row and the history since) is read per indicator.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tonle.geo.tests.factories import VillageFactory
from tonle.lib.memo import reads_once
from tonle.programs.tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    ComponentFactory,
    TopicFactory,
)
from tonle.results.indicators import definition_check
from tonle.results.services import indicator_save, results_catch_up

pytestmark = pytest.mark.django_db

# What a grid reads to catch up (grid.py): its stored row, the history since, and the
# communes and districts of its villages.
GRID_READS = re.compile(r'"results_indicatorgrid"|_historical|AS "commune__district_id"')
# Those the page reads once: the tables its split tables and filters are labelled from.
LABEL_TABLES = ["geo_district", "geo_commune", "geo_village", "programs_component",
                "programs_activitytype", "programs_topic"]  # fmt: skip
# Session, user, project, period lock, indicators, targets; one read of each label table.
PAGE_READS = 6 + len(LABEL_TABLES)


@pytest.fixture
def busy_project(world):
    """Project A in three villages of three districts, with two components and two topics."""
    project = world.project_a
    project.communities.add(VillageFactory(), VillageFactory())
    components = [ComponentFactory(project=project) for _ in range(2)]
    topics = [TopicFactory(code="business", name_en="Business"), TopicFactory()]
    for n, village in enumerate(project.communities.all()):
        activity = ActivityFactory(project=project, village=village, component=components[n % 2],
                                   topic=topics[n % 2])  # fmt: skip
        for _ in range(3):
            AttendanceFactory(activity=activity)
    return project


def _indicators(project, count: int) -> None:
    for n in range(project.indicators.count(), count):
        definition = {"measure": "people_attending"}
        if n % 2:
            definition["filters"] = {"topic": ["business"]}
        indicator_save(project=project, indicator=None, code=f"i{n}", level="output",
                       name_en=f"Indicator {n}", definition=definition)  # fmt: skip


def _page_reads(client, project, *, grids: bool = False) -> list[str]:
    """The page's own reads (or, with `grids`, those of its grids catching up)."""
    results_catch_up(projects=[project])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("results-framework", args=[project.slug]))
    assert response.status_code == 200
    return [
        q["sql"] for q in queries.captured_queries if bool(GRID_READS.search(q["sql"])) == grids
    ]


def test_the_framework_reads_its_labels_once_however_many_indicators_and_women(
    client, world, busy_project
):
    client.force_login(world.manager)
    _indicators(busy_project, 2)
    few = _page_reads(client, busy_project)

    _indicators(busy_project, 6)
    for activity in busy_project.activities.all():
        for _ in range(4):
            AttendanceFactory(activity=activity)
    many = _page_reads(client, busy_project)

    assert len(few) == len(many) == PAGE_READS, "\n".join(many)
    for table in LABEL_TABLES:
        assert sum(f'FROM "{table}"' in sql for sql in many) == 1, table


def test_filters_read_once_are_each_checked_against_their_own_values(world):
    # Services and milestones both filter a column named "kind", over different choices.
    with reads_once():
        for measure, name, value in [("people_milestone", "kind", "village_chief"),
                                     ("people_served", "service", "national_id")]:  # fmt: skip
            definition = {"measure": measure, "filters": {name: [value]}}
            assert definition_check(project=world.project_a, definition=definition).code == measure


def test_a_donors_framework_reads_the_indicators_once_for_all_its_periods(
    client, world, busy_project
):
    # A donor's figures are protected across every fixed period, each computed in turn.
    _indicators(busy_project, 2)
    client.force_login(world.donor)
    reads = _page_reads(client, busy_project)
    for table in ["results_indicator", "results_target"]:
        assert sum(f'FROM "{table}"' in sql for sql in reads) == 1, table


def test_each_grid_and_each_history_is_read_once_however_many_indicators_share_them(
    client, world, busy_project
):
    """Six indicators of two definitions read two grids, and the women's history once."""
    client.force_login(world.manager)
    _indicators(busy_project, 2)
    few = _page_reads(client, busy_project, grids=True)
    _indicators(busy_project, 6)
    many = _page_reads(client, busy_project, grids=True)
    assert len(many) <= len(few), "\n".join(many)
    assert sum('"people_historicalparticipant"' in sql for sql in many) == 1
