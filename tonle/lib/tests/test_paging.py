"""One way to read a long list a page at a time: robust to any ?page=, the list's search kept
in its links, page numbers never localised in a URL, and the count said in both languages."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tonle.lib.paging import id_in_query, page_of

ROWS = list(range(1, 1713))  # 1,712 rows, as the demo's referrals


def _page(query: dict, **options):
    return page_of(RequestFactory().get("/list/", query), ROWS, **options)


@pytest.mark.parametrize("asked", ["", "abc", "1.5", "0x2", "1" * 5000, "2; drop table"])
def test_a_page_number_that_is_not_a_number_shows_the_first_page(asked):
    assert _page({"page": asked}).number == 1


@pytest.mark.parametrize("asked", ["35", "99999", "-3", "0"])
def test_a_page_number_out_of_range_shows_a_page_that_exists(asked):
    page = _page({"page": asked})
    assert page.number in {1, 35} and list(page)


def test_the_last_row_is_on_the_last_page_with_its_count():
    page = _page({"page": "35"})
    assert page.paginator.count == 1712 and page.object_list[-1] == 1712
    assert (page.start_index(), page.end_index()) == (1701, 1712)


def test_the_links_keep_the_search_and_filters_and_change_only_the_page():
    page = _page({"q": "ចាន់ សុភា", "status": "sent", "page": "3"})
    assert (
        page.next_url
        == "?q=%E1%9E%85%E1%9E%B6%E1%9E%93%E1%9F%8B+%E1%9E%9F%E1%9E%BB%E1%9E%97%E1%9E%B6&status=sent&page=4"
    )
    assert page.previous_url.endswith("&status=sent&page=2")


def test_two_lists_on_one_page_keep_each_others_page():
    quiet = _page({"quiet": "2", "due": "5"}, param="quiet", anchor="quiet")
    assert quiet.number == 2
    assert quiet.next_url == "?due=5&quiet=3#quiet"


def test_page_links_skip_the_middle_but_always_reach_the_first_and_the_last():
    numbers = [number for number, _link in _page({"page": "10"}).links]
    assert numbers == [1, None, 8, 9, 10, 11, 12, None, 35]


@pytest.mark.parametrize("language", ["en", "km"])
def test_page_numbers_in_the_pager_links_are_never_localised(language, settings):
    settings.USE_THOUSAND_SEPARATOR = True
    page = page_of(RequestFactory().get("/list/", {"page": "1234"}), ROWS, per_page=1)
    with translation.override(language):
        html = render_to_string("includes/pager.html", {"page": page})
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert "?page=1235" in hrefs and "?page=1712" in hrefs and "?page=1" in hrefs
    assert all(re.fullmatch(r"\?page=\d+", href) for href in hrefs), hrefs


def test_the_pager_says_which_rows_of_how_many_in_english():
    html = render_to_string("includes/pager.html", {"page": _page({"page": "2"})})
    assert "Showing 51–100 of 1,712" in html and 'aria-current="page"' in html


def test_the_pager_says_which_rows_of_how_many_in_khmer():
    with translation.override("km"):
        html = render_to_string("includes/pager.html", {"page": _page({"page": "2"})})
    assert "បង្ហាញ ៥១–១០០ ក្នុងចំណោម ១,៧១២" in html


def test_a_list_of_one_page_says_how_many_without_page_links():
    page = page_of(RequestFactory().get("/list/"), ROWS[:12])
    html = render_to_string("includes/pager.html", {"page": page})
    assert "12 in all" in html and "href" not in html


def test_an_empty_list_shows_no_pager():
    page = page_of(RequestFactory().get("/list/"), [])
    assert render_to_string("includes/pager.html", {"page": page}).strip() == ""


@pytest.mark.parametrize(
    ("given", "wanted"),
    [("12", 12), ("", None), (None, None), ("x", None), ("-3", None), ("0", None), ("១២", None),
     ("9" * 25, None), (str(2**63 - 1), 2**63 - 1)],
)  # fmt: skip
def test_an_id_in_a_lists_filter_is_a_whole_number_the_database_can_hold(given, wanted):
    assert id_in_query(given) == wanted


# Each list, with the parameter its page is asked by and a filter its links must keep.
LISTS = [
    ("home", "page", {}),
    ("people-list", "page", {"q": "sok", "village": "9" * 25}),
    ("programs-activities", "page", {}),
    ("cases-list", "page", {"status": "closed"}),
    ("cases-supervision", "quiet", {"due": "2"}),
    ("referrals-list", "page", {"status": "sent", "provider": "9" * 25}),
    ("groups-list", "page", {}),
    ("transport-drivers", "page", {}),
    ("transport-trips", "page", {"month": "2023-13", "driver": "9" * 25}),
    ("accounts-access-log", "page", {"action": "nonsense"}),
]


@pytest.mark.parametrize(("url_name", "param", "query"), LISTS)
def test_a_bad_page_number_on_any_list_never_fails(client, world, url_name, param, query):
    client.force_login(world.admin)
    for asked in ["abc", "99999999999999999999", "-1", "", "១", "1" * 5000]:
        response = client.get(reverse(url_name), {**query, param: asked})
        assert response.status_code == 200, asked


def test_an_id_too_large_for_the_database_in_a_form_or_a_link_is_nobody_not_an_error(client, world):
    """The counselling page's ?participant=, the trip's ?referral= and the untick form's
    participant are read by the same id_in_query as every list's filter."""
    from tonle.programs.tests.factories import ActivityFactory

    huge = "9" * 25
    client.force_login(world.mentor)
    assert client.get(reverse("cases-counselling"), {"participant": huge}).status_code == 200
    client.force_login(world.officer_a)
    trip = reverse("transport-trip-new", args=[world.woman_a.pk])
    assert client.get(trip, {"referral": huge}).status_code == 200
    activity = ActivityFactory(project=world.project_a)
    untick = reverse("programs-attendance-remove", args=[activity.pk])
    assert client.post(untick, {"participant": huge}).status_code == 404
