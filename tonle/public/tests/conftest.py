"""An issued report of project A, whose small cells the public must never see."""

from __future__ import annotations

import datetime as dt

import pytest

from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory
from tonle.reports.models import SectionKind
from tonle.reports.services import report_issue
from tonle.reports.tests.factories import ReportTemplateFactory, SectionFactory
from tonle.results.services import indicator_save


@pytest.fixture
def issued(world):
    """23 women took part in 2023: 20 born in 1990 came twice, 3 girls born in 2008 once. So
    "women who came twice" (20) is 3 short of "women engaged" (23), and the girls' age band
    is 3: figures the public must not be able to read or work out."""
    for code, name, at_least in (("engaged", "Women engaged", None), ("regular", "Came twice", 2)):
        definition = {"measure": "people_attending", "filters": {}}
        if at_least:
            definition["at_least"] = at_least
        indicator_save(project=world.project_a, level="outcome", code=code, name_en=name,
                       name_km="ស្ត្រី", definition=definition)  # fmt: skip
    first = ActivityFactory(project=world.project_a, date=dt.date(2023, 3, 10))
    second = ActivityFactory(project=world.project_a, date=dt.date(2023, 8, 10))
    for n in range(23):
        girl = n >= 20
        woman = ParticipantFactory(village=world.village_a, birth_year=2008 if girl else 1990)
        Attendance.objects.create(activity=first, participant=woman)
        if not girl:
            Attendance.objects.create(activity=second, participant=woman)
    template = ReportTemplateFactory(project=world.project_a, slug="closing")
    SectionFactory(template=template, heading_en="Reach", heading_km="ការឈានដល់",
                   body_en="We engaged {{ engaged }} women; {{ regular }} came twice.\n\n"
                   "{{ engaged by age_band }}",
                   body_km="យើងបានចូលរួមជាមួយស្ត្រី {{ engaged }} នាក់។")  # fmt: skip
    SectionFactory(template=template, kind=SectionKind.INDICATORS, heading_en="Indicators",
                   heading_km="សូចនាករ")  # fmt: skip
    return report_issue(by=world.manager, template=template)
