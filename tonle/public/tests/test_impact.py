"""The impact page: what the last issued report says, protected as a donor's figures are, so
that no count from 1 to 4 can be read on it or worked out from two of its figures."""

from __future__ import annotations

import itertools
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tonle.public.services import post_from_report
from tonle.reports.services import report_issue
from tonle.reports.tests.factories import SectionFactory

FIGURE = re.compile(r'data-figure="([^"]+)">([^<]*)<')


def _figures(page: str) -> dict[str, list[int | None]]:
    """Each figure of the page by what it is: "engaged" (a total), "engaged:age_band" (cells)."""
    found: dict[str, list[int | None]] = {}
    for name, text in FIGURE.findall(page):
        text = text.strip().replace(",", "")
        found.setdefault(name, []).append(int(text) if text.isdigit() else None)
    return found


def test_the_impact_page_shows_no_count_from_1_to_4_nor_one_found_by_subtraction(
    world, client, issued
):
    page = client.get(reverse("public-impact", args=["project-a"])).content.decode()
    figures = _figures(page)
    shown = [v for values in figures.values() for v in values if v is not None]
    assert shown, page
    assert not [v for v in shown if 1 <= v <= 4]
    totals = {name: values[0] for name, values in figures.items() if ":" not in name}
    assert totals["engaged"] == 23
    # Two headline figures 3 apart would give away the 3 who came once: one of them is hidden.
    assert totals["regular"] is None
    for a, b in itertools.combinations([v for v in totals.values() if v is not None], 2):
        assert not 1 <= abs(a - b) <= 4
    for name, cells in figures.items():
        if ":" not in name:
            continue
        total = totals[name.split(":")[0]]
        if total is None:
            continue
        visible = [c for c in cells if c is not None]
        for cell in visible:
            assert not 1 <= total - cell <= 4, (name, total, cell)
        if name.endswith((":age_band", ":district")):  # each woman in one cell: they add up
            assert not 1 <= total - sum(visible) <= 4, (name, total, visible)


def test_the_page_says_when_the_figures_were_issued_and_names_communes_not_villages(
    world, client, issued
):
    page = client.get(reverse("public-impact", args=["project-a"])).content.decode()
    assert "as its report issued it on" in page
    assert world.village_a.commune.name in page
    assert world.village_a.name not in page


def test_a_cached_public_page_reads_no_table_of_the_records(world, client, issued):
    url = reverse("public-impact", args=["project-a"])
    client.get(url)
    for page in (url, "/", reverse("public-news")):
        client.get(page)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200
        assert [q["sql"] for q in queries.captured_queries] == [], page


def test_issuing_a_report_refreshes_the_impact_page(world, client, issued):
    url = reverse("public-impact", args=["project-a"])
    first = client.get(url).content.decode()
    again = report_issue(by=world.manager, template=issued.template)
    assert again.pk != issued.pk
    assert client.get(url).content.decode() != first


def test_an_issued_report_is_published_as_a_post_with_its_figures_as_issued(world, client, issued):
    post = post_from_report(by=world.manager, issued=issued)
    page = client.get(reverse("public-post", args=[post.slug])).content.decode()
    assert "We engaged" in page and "23" in page
    assert "/reports/" not in page  # no link into the staff's pages
    client.cookies.load({"django_language": "km"})
    khmer = client.get(reverse("public-post", args=[post.slug])).content.decode()
    assert "យើងបានចូលរួមជាមួយស្ត្រី" in khmer


def test_a_published_report_leaves_out_a_split_by_village(world, client, issued):
    SectionFactory(template=issued.template, heading_en="By village", heading_km="តាមភូមិ",
                   body_en="{{ engaged by community }}", body_km="{{ engaged by community }}")  # fmt: skip
    post = post_from_report(by=world.manager, issued=report_issue(by=world.manager,
                                                                  template=issued.template))  # fmt: skip
    page = client.get(reverse("public-post", args=[post.slug])).content.decode()
    assert "We engaged" in page and world.village_a.name not in page
