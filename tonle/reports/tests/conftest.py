"""What the reports' tests share: a project whose framework counts the women who took part."""

import datetime as dt

import pytest

from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory
from tonle.reports.tests.factories import ReportTemplateFactory
from tonle.results.models import Indicator
from tonle.results.services import indicator_save


@pytest.fixture
def engaged(world) -> Indicator:
    """Project A's indicator "engaged" (women and girls), and six women: three came in
    February 2023, three in May."""
    indicator = indicator_save(
        project=world.project_a, level="outcome", code="engaged", name_en="Women engaged",
        name_km="ស្ត្រីបានចូលរួម", definition={"measure": "people_attending", "filters": {"sex": ["F"]}},
    )  # fmt: skip
    for month in (2, 5):
        activity = ActivityFactory(project=world.project_a, date=dt.date(2023, month, 10))
        for woman in ParticipantFactory.create_batch(3, village=world.village_a):
            Attendance.objects.create(activity=activity, participant=woman)
    return indicator


@pytest.fixture
def report(world, engaged):
    """Project A's 2023 report, "closing", with no sections yet."""
    return ReportTemplateFactory(project=world.project_a, slug="closing")
