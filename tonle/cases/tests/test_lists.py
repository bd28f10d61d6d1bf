"""The cases list and the supervision page: every case reachable a page at a time, with its count;
her name found in either script; each list of the supervision page paged on its own."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tonle.cases.models import Case, CaseKind
from tonle.people.tests.factories import ParticipantFactory


def _cases(world, *, woman, count, last_contact, follow_up=None):
    """Open cases of the officer's, one day apart: the first made has the oldest contact."""
    return Case.objects.bulk_create(
        Case(
            participant=woman, project=world.project_a, kind=CaseKind.COACHING,
            worker=world.officer_a, opened_on=dt.date(2022, 1, 1), consent_given=True,
            consent_date=dt.date(2022, 1, 1), last_contact_on=last_contact + dt.timedelta(days=n),
            next_follow_up_on=follow_up,
        )
        for n in range(count)
    )  # fmt: skip


def test_the_201st_case_is_on_a_later_page_and_the_count_is_shown(client, world):
    _cases(world, woman=world.woman_a, count=201, last_contact=dt.date(2023, 1, 1))
    longest_quiet = Case.objects.order_by("last_contact_on").first()
    client.force_login(world.officer_a)
    first = client.get(reverse("cases-list"))
    assert longest_quiet not in first.context["cases"]
    last = client.get(reverse("cases-list"), {"page": "5"})
    assert longest_quiet in last.context["cases"]
    assert "Showing 201–201 of 201" in last.content.decode()


@pytest.mark.parametrize("typed", ["ចាន់សុភា", "សុភា", "chan  sophea", "Sophéa"])
def test_cases_are_found_by_her_name_as_the_people_search_finds_her(client, world, typed):
    other = ParticipantFactory(village=world.village_a, name_latin="Keo Dara", name_km="កែវ ដារ៉ា")
    (hers,) = _cases(world, woman=world.woman_a, count=1, last_contact=dt.date(2023, 1, 1))
    _cases(world, woman=other, count=2, last_contact=dt.date(2023, 1, 1))
    client.force_login(world.officer_a)
    assert list(client.get(reverse("cases-list"), {"q": typed}).context["cases"]) == [hers]


def test_each_list_of_the_supervision_page_is_paged_on_its_own_and_counted(client, world):
    today = timezone.localdate()
    quiet = _cases(
        world, woman=world.woman_a, count=45, last_contact=today - dt.timedelta(days=400)
    )
    neighbour = ParticipantFactory(village=world.village_a)
    due = _cases(world, woman=neighbour, count=25, last_contact=today, follow_up=today)
    client.force_login(world.officer_a)
    page = client.get(reverse("cases-supervision"), {"quiet": "3", "due": "2"})
    html = page.content.decode()
    assert list(page.context["quiet"]) == quiet[40:]  # the longest without a session first
    assert list(page.context["due"]) == due[20:]
    assert "Showing 41–45 of 45" in html and "Showing 21–25 of 25" in html
    # Moving through one list keeps the other where it was, and comes back to its own section.
    assert page.context["quiet"].previous_url == "?due=2&quiet=2#quiet"
    assert page.context["due"].previous_url == "?quiet=3&due=1#due"
    assert 'id="quiet"' in html and 'id="due"' in html


def test_the_supervision_page_shows_at_most_twenty_rows_a_list(client, world):
    today = timezone.localdate()
    _cases(world, woman=world.woman_a, count=300, last_contact=today - dt.timedelta(days=400))
    client.force_login(world.officer_a)
    page = client.get(reverse("cases-supervision"))
    assert len(page.context["quiet"]) == 20
    assert page.content.decode().count('class="who"') == 20
