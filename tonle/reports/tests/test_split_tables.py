"""A report's split tables print their rows in their natural order (results.labels.split_order)."""

import datetime as dt

from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory
from tonle.reports.rendering import report_render
from tonle.reports.tests.factories import SectionFactory

MONTHS = (2, 5, 10, 11, 12)


def test_a_split_by_month_is_in_date_order_on_the_page_and_in_the_pdf(world, report):
    for month in (10, 11, 12):
        activity = ActivityFactory(project=world.project_a, date=dt.date(2023, month, 5))
        Attendance.objects.create(
            activity=activity, participant=ParticipantFactory(village=world.village_a)
        )
    SectionFactory(template=report, body_en="{{ engaged by month }}")

    # The PDF prints the same section HTML as the page.
    html = str(report_render(template=report, language="en", names=True).sections[0].html)

    places = [html.index(f'data-figure="engaged:month:2023-{m}"') for m in MONTHS]
    assert places == sorted(places)
