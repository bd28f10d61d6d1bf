"""The participants annex, a row per woman, is paged on the report's web page (it made the page
168,000 px tall on a phone) and stays complete in the PDF and the spreadsheet."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory
from tonle.reports.models import SectionKind
from tonle.reports.rendering import report_render
from tonle.reports.services import report_html, report_issue
from tonle.reports.tests.factories import SectionFactory

WOMEN = 6 + 130  # the fixture's six, and a forum's 130


@pytest.fixture
def annexed(world, report):
    forum = ActivityFactory(project=world.project_a, date=dt.date(2023, 8, 1))
    women = ParticipantFactory.create_batch(130, village=world.village_a)
    Attendance.objects.bulk_create(Attendance(activity=forum, participant=w) for w in women)
    SectionFactory(template=report, kind=SectionKind.TEXT, body_en="Intro", body_km="សេចក្ដីផ្ដើម")
    SectionFactory(template=report, kind=SectionKind.PEOPLE)
    return report


def _annex(response):
    (part,) = [p for p in response.context["report"].sections if p.kind == SectionKind.PEOPLE]
    return part


def test_the_annex_of_women_is_paged_on_the_web_page_with_its_count(client, world, annexed):
    client.force_login(world.manager)
    url = reverse("reports-page", args=[world.project_a.slug, annexed.slug])
    first = client.get(url)
    assert len(_annex(first).rows) == 100 and _annex(first).page.paginator.count == WOMEN
    assert f"Showing 1–100 of {WOMEN}" in first.content.decode()
    second = client.get(url, {"annex2": "2", "lang": "en"})
    assert len(_annex(second).rows) == WOMEN - 100
    # Numbered on from the first page; the link back keeps the language and its section.
    assert '<td class="n">101</td>' in second.content.decode()
    assert _annex(second).page.previous_url == "?lang=en&annex2=1#section-2"


def test_the_annex_of_women_is_complete_in_the_spreadsheet(client, world, annexed):
    client.force_login(world.manager)
    url = reverse("reports-tables", args=[world.project_a.slug, annexed.slug])
    book = load_workbook(io.BytesIO(client.get(url).content))
    assert book.worksheets[2].max_row == 1 + WOMEN


def test_the_annex_of_women_is_complete_in_the_pdf(world, annexed):
    html = report_html(report=report_render(template=annexed, language="en", names=True))
    numbers = re.findall(r'<tr><td class="n">(\d+)</td>', html)
    assert numbers == [str(n) for n in range(1, WOMEN + 1)]
    assert "data-pager" not in html


def test_the_annex_of_an_issued_report_is_paged_on_its_page_too(client, world, annexed):
    issued = report_issue(by=world.manager, template=annexed)
    client.force_login(world.manager)
    page = client.get(reverse("reports-issued", args=[issued.pk]), {"annex2": "2"})
    assert len(_annex(page).rows) == WOMEN - 100
