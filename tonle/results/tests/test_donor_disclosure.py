"""A donor, reading every page and file she may, learns no count of women from 1 to 4."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from itertools import combinations

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tonle.geo.tests.factories import VillageFactory
from tonle.lib.suppression import too_small
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory
from tonle.reports.models import SectionKind
from tonle.reports.services import report_issue
from tonle.reports.tests.factories import ReportTemplateFactory, SectionFactory
from tonle.results.disclosure import fixed_periods
from tonle.results.services import indicator_save, period_lock

FIGURE = re.compile(r'data-figure="(?P<name>[^"]+)"[^>]*>\s*(?:<[^>]+>\s*)*(?P<n>[\d,]+)\s*<')
ADDITIVE = ("district", "community", "age_band", "quarter", "month", "year")  # one row per woman


def _attend(project, village, when, born, n):
    activity = ActivityFactory(project=project, village=village, date=when)
    women = ParticipantFactory.create_batch(n, village=village, birth_year=born)
    for woman in women:
        Attendance.objects.create(activity=activity, participant=woman)
    return women


@pytest.fixture
def small(world):
    """2023 in project A: 26 women in the first district, 3 in a second district, 2 girls,
    1 woman alone in the third quarter (an activity with one attendee); the year locked and
    reported, then one woman removed."""
    project = world.project_a
    project.organisation.iati_ref = "KH-COR-1"
    project.organisation.save()
    far = VillageFactory()
    project.communities.add(far)
    indicator_save(
        project=project, level="outcome", code="engaged", name_en="Women engaged",
        name_km="ស្ត្រីបានចូលរួម", definition={"measure": "people_attending", "filters": {"sex": ["F"]}},
    )  # fmt: skip
    _attend(project, world.village_a, dt.date(2023, 2, 10), 1990, 20)
    _attend(project, world.village_a, dt.date(2023, 5, 10), 1990, 6)
    _attend(project, far, dt.date(2023, 5, 12), 1990, 3)
    _attend(project, world.village_a, dt.date(2023, 5, 20), 2006, 2)
    (removed,) = _attend(project, world.village_a, dt.date(2023, 8, 1), 1990, 1)
    template = ReportTemplateFactory(project=project, slug="closing")
    SectionFactory(template=template, body_en="We engaged {{ engaged }} women.\n\n"
                   "{{ engaged by district }}\n\n{{ engaged by age_band }}\n\n{{ engaged by quarter }}")  # fmt: skip
    for kind in (SectionKind.INDICATORS, SectionKind.CHART, SectionKind.ACTIVITIES,
                 SectionKind.PEOPLE):  # fmt: skip
        SectionFactory(template=template, kind=kind, indicator="engaged")
    issued = report_issue(by=world.manager, template=template)
    period_lock(by=world.manager, project=project, starts_on=dt.date(2023, 1, 1),
                ends_on=dt.date(2023, 12, 31))  # fmt: skip
    removed.attendances.all().delete()
    return template, issued


def _figures(html: str) -> dict[str, int]:
    return {m["name"]: int(m["n"].replace(",", "")) for m in FIGURE.finditer(html)}


def _numbers(text: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", text)]


def _assert_safe(figures: dict[str, int], where: str) -> None:
    """No figure from 1 to 4, and no total minus a cell, or minus a split's shown cells."""
    assert figures, f"{where}: no figure found"
    small = {k: v for k, v in figures.items() if too_small(v)}
    assert not small, f"{where}: {small}"
    by_indicator = defaultdict(dict)
    for name, value in figures.items():
        code, _sep, rest = name.partition(":")
        by_indicator[code][rest] = value
    for code, shown in by_indicator.items():
        total = shown.get("total")
        if total is None:
            continue
        splits = defaultdict(list)
        for rest, value in shown.items():
            assert not too_small(abs(total - value)), f"{where}: {code} total-{rest}"
            dimension = rest.split(":")[0]
            if dimension in ADDITIVE:
                splits[dimension].append(value)
        for dimension, values in splits.items():
            assert not too_small(total - sum(values)), f"{where}: {code} total-Σ{dimension}"


def test_a_donor_learns_no_count_from_1_to_4_on_any_page(client, world, small):
    template, issued = small
    project = world.project_a
    client.force_login(world.donor)

    def page(name, *args, **query):
        response = client.get(reverse(name, args=args), query)
        assert response.status_code == 200, (name, response.status_code)
        return response.content.decode()

    _assert_safe(_figures(page("results-dashboard", project.slug)), "dashboard")
    badge = page("results-reach-badge", project.slug)
    assert not any(too_small(n) for n in _numbers(re.sub(r"<[^>]+>", " ", badge)))

    # The framework, for each fixed period of 2023 and the whole project, and across them.
    by_period = {}
    for period in fixed_periods(project=project):
        if period.parent is not None and period.start.year != 2023:
            continue
        html = page("results-framework", project.slug, **{"from": period.start, "to": period.end})
        figures = _figures(html)
        if period.start.year == 2023 or period.parent is None:
            _assert_safe(figures, f"framework {period.label}") if figures else None
        for frozen in re.findall(r"<p data-frozen>(.*?)</p>", html, re.S):
            assert not any(too_small(n) for n in _numbers(frozen)), frozen
        by_period[period] = figures
    year = next(p for p in by_period if p.label == "2023")
    quarters = [p for p in by_period if p.parent == (year.start, year.end)]
    for parent, children in ((year, quarters),):
        cells = defaultdict(list)
        for child in children:
            for name, value in by_period[child].items():
                cells[name].append(value)
                if name in by_period[parent]:
                    assert not too_small(abs(by_period[parent][name] - value)), (child.label, name)
        for name, values in cells.items():
            if name in by_period[parent] and ":trend:" not in name:
                assert not too_small(by_period[parent][name] - sum(values)), name

    # A period she types is not shown: she gets the whole project, and is told so.
    typed = client.get(reverse("results-framework", args=[project.slug]),
                       {"from": "2023-05-01", "to": "2023-08-31"})  # fmt: skip
    assert typed.context["start"] == project.starts_on and typed.context["end"] == project.ends_on
    assert "reporting periods listed" in typed.content.decode()

    live = page("reports-page", project.slug, template.slug)
    _assert_safe(_figures(live), "report page")
    issued_html = page("reports-issued", issued.pk)
    _assert_safe(_figures(issued_html), "issued report")
    for html in (live, issued_html):
        attendees = re.findall(r'data-count="attendees"[^>]*>([\d,]+)<', html)
        assert attendees and not any(too_small(int(n)) for n in attendees)
        assert "Participants" not in re.sub(r"<h2>.*?</h2>", "", html.split("data-tables")[1][:600])
    for key in issued.snapshot["figures"]:
        html = page("reports-issued-figure", issued.pk, key)
        figures = _figures(html)
        # Only the rows she may read are listed: no district, age band or quarter row whose
        # count is hidden.
        assert "hidden with one that is" not in html or "Other (fewer than 5" in html
        assert not any(too_small(v) for v in figures.values()), (key, figures)

    compare = page("reports-issued-changes", issued.pk)
    changes = " ".join(re.findall(r"<td data-changes>(.*?)</td>", compare, re.S))
    assert not any(too_small(n) for n in _numbers(re.sub(r"<[^>]+>", " ", changes))), changes
    shown = _figures(compare)
    for a, b in combinations(shown.values(), 2):
        assert not too_small(abs(a - b)), shown

    for url in (reverse("reports-tables", args=[project.slug, template.slug]),
                reverse("reports-issued-tables", args=[issued.pk])):  # fmt: skip
        workbook = load_workbook(io.BytesIO(client.get(url).content))
        assert workbook.sheetnames == ["Indicators", "Activities"]
        for sheet in workbook:
            counts = [row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)]
            assert not any(isinstance(n, int) and too_small(n) for n in counts), sheet.title
        for table in ("0", "1"):
            rows = list(csv.reader(io.StringIO(
                client.get(url, {"format": "csv", "table": table}).content.decode("utf-8-sig")
            )))  # fmt: skip
            assert not any(row[-1].isdigit() and too_small(int(row[-1])) for row in rows[1:])
        assert client.get(url, {"format": "csv", "table": "2"}).status_code == 404

    iati = client.get(reverse("reports-iati", args=[project.slug]), {"download": 1})
    assert iati.status_code == 200, iati.content.decode()[-800:]
    values = [int(v) for v in re.findall(rb'<actual value="(\d+)"', iati.content)]
    assert values and not any(too_small(v) for v in values)


def test_a_donor_is_offered_the_years_and_the_quarters_of_the_year_she_reads(client, world):
    client.force_login(world.donor)
    url = reverse("results-framework", args=[world.project_a.slug])

    def offered(**period) -> list[str]:
        return [str(p.label) for p in client.get(url, period).context["periods"]]

    whole = offered()
    assert whole[:3] == ["The whole project", "2022", "2023"] and not any("Q" in p for p in whole)
    in_2023 = offered(**{"from": "2023-01-01", "to": "2023-12-31"})
    assert [p for p in in_2023 if "Q" in p] == ["Q1 2023", "Q2 2023", "Q3 2023", "Q4 2023"]
    assert offered(**{"from": "2023-04-01", "to": "2023-06-30"}) == in_2023
