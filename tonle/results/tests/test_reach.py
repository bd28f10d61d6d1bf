"""Unique reach: a woman counts once, in the total and in every cell she falls in."""

import datetime as dt

import pytest
from django.urls import reverse

from tonle.people.models import Sex
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory, ActivityTypeFactory, ComponentFactory
from tonle.results.reach import (
    DIMENSIONS,
    reach_figures,
    reach_ids,
    reach_total,
    sql_reach_people,
)


def _attend(activity, *people):
    for person in people:
        Attendance.objects.create(activity=activity, participant=person)


@pytest.fixture
def busy_project(world):
    """Three women and a girl over two quarters, two components and two activity types; one man."""
    project = world.project_a
    village = world.village_a
    training = ActivityFactory(project=project, date=dt.date(2023, 2, 1))
    seminar = ActivityFactory(
        project=project,
        date=dt.date(2023, 5, 1),
        component=ComponentFactory(project=project),
        activity_type=ActivityTypeFactory(code="seminar", name_en="Seminar"),
    )
    women = ParticipantFactory.create_batch(3, village=village, birth_year=1990)
    girl = ParticipantFactory(village=village, birth_year=2008)
    man = ParticipantFactory(village=village, sex=Sex.MALE)
    _attend(training, *women, girl, man)
    _attend(seminar, women[0], girl)
    return project


def test_a_woman_who_came_twice_counts_once(busy_project):
    assert reach_total(project=busy_project) == 4  # three women and a girl; the man is not counted


def test_splits_count_each_woman_once_per_cell_and_can_add_up_to_more_than_the_total(busy_project):
    figures = reach_figures(project=busy_project)
    quarters = {cell.key: cell.count for cell in figures.splits["quarter"]}
    assert quarters == {"2023-Q1": 4, "2023-Q2": 2}
    ages = {cell.key: cell.count for cell in figures.splits["age_band"]}
    assert ages == {"0-17": 1, "25-34": 3}
    assert sum(quarters.values()) > figures.total


def test_every_figure_links_to_a_list_as_long_as_the_figure(busy_project):
    figures = reach_figures(project=busy_project)
    total = reach_ids(project=busy_project, dimension="total", key="all")
    assert len(total) == figures.total
    assert set(total) == set(
        sql_reach_people(project=busy_project, dimension="total", key="all").values_list(
            "id", flat=True
        )
    )
    for dimension in DIMENSIONS:
        for cell in figures.splits[dimension.code]:
            ids = reach_ids(project=busy_project, dimension=dimension.code, key=cell.key)
            people = sql_reach_people(project=busy_project, dimension=dimension.code, key=cell.key)
            assert len(ids) == cell.count == people.count(), (dimension.code, cell.key)
            assert set(ids) == set(people.values_list("id", flat=True))


def test_dashboard_shows_the_total_and_the_drill_through_list_matches(client, world, busy_project):
    client.force_login(world.officer_a)
    page = client.get(reverse("results-dashboard", args=[busy_project.slug]))
    assert page.context["total"] == 4
    drill = client.get(reverse("results-people", args=[busy_project.slug, "quarter", "2023-Q2"]))
    assert drill.context["figure"] == 2 == len(drill.context["page"].object_list)


def test_donor_viewer_sees_figures_but_no_names_and_no_links_to_them(client, world, busy_project):
    client.force_login(world.donor)
    page = client.get(reverse("results-dashboard", args=[busy_project.slug]))
    html = page.content.decode()
    # Four women: too few to show to someone who sees no names, and every split with them.
    assert page.status_code == 200 and page.context["total"] is None
    assert all(c.count is None for split in page.context["splits"] for c in split["cells"])
    assert "/people/" not in html
    for person in busy_project.activities.first().attendances.all():
        assert person.participant.name_latin not in html
    drill = client.get(reverse("results-people", args=[busy_project.slug, "total", "all"]))
    assert drill.status_code == 403


def test_field_officer_cannot_open_another_projects_dashboard(client, world, busy_project):
    client.force_login(world.officer_b)
    assert client.get(reverse("results-dashboard", args=[busy_project.slug])).status_code == 404
    assert client.get(reverse("results-dashboard", args=["no-such-project"])).status_code == 404


def test_unknown_dimension_is_a_404(client, world, busy_project):
    client.force_login(world.admin)
    url = reverse("results-people", args=[busy_project.slug, "shoe-size", "42"])
    assert client.get(url).status_code == 404


def test_a_field_officer_sees_the_whole_figure_but_not_names_outside_her_communities(
    client, world, busy_project
):
    stranger = ParticipantFactory(village=world.village_b, name_latin="Outside Woman")
    _attend(busy_project.activities.first(), stranger)
    client.force_login(world.officer_a)
    drill = client.get(reverse("results-people", args=[busy_project.slug, "total", "all"]))
    assert (drill.context["figure"], drill.context["withheld"]) == (5, 1)
    assert "Outside Woman" not in drill.content.decode()
    client.force_login(world.manager)
    drill = client.get(reverse("results-people", args=[busy_project.slug, "total", "all"]))
    assert (drill.context["figure"], drill.context["withheld"]) == (5, 0)
