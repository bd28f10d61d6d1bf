"""A figure under 5 reaches a donor only when a manager publishes it in that report, saying why."""

import re

from django.urls import reverse

from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory
from tonle.reports.models import SmallFigureRelease
from tonle.reports.rendering import report_render
from tonle.reports.tests.factories import SectionFactory
from tonle.results.services import indicator_save


def _leaders(world, report):
    indicator_save(
        project=world.project_a, level="outcome", code="leaders", name_en="Women leaders",
        name_km="ស្ត្រីដឹកនាំ", definition={"measure": "people_attending",
                                         "filters": {"sex": ["F"]}, "at_least": 2},
    )  # fmt: skip
    activities = ActivityFactory.create_batch(2, project=world.project_a)
    for woman in ParticipantFactory.create_batch(2, village=world.village_a):
        for activity in activities:
            Attendance.objects.create(activity=activity, participant=woman)
    SectionFactory(template=report, body_en="**{{ leaders }} women** won leadership roles.")


def _donor_text(report) -> str:
    return str(report_render(template=report, language="en", names=False).sections[-1].html)


def test_a_small_figure_is_hidden_from_donors_until_a_manager_publishes_it(client, world, report):
    _leaders(world, report)
    assert 'data-figure="leaders:total"' not in _donor_text(report)

    client.force_login(world.donor)
    url = reverse("reports-release", args=["project-a", report.slug])
    assert client.post(url, {"code": "leaders", "reason": "x"}).status_code == 403
    client.force_login(world.manager)
    client.post(url, {"code": "leaders", "reason": "They agreed to be celebrated."})

    release = SmallFigureRelease.objects.get()
    assert (release.released_by, release.template) == (world.manager, report)
    assert re.search(r'data-figure="leaders:total"[^>]*>2<', _donor_text(report))
    edit = client.get(reverse("reports-edit", args=["project-a", report.slug])).content.decode()
    assert "They agreed to be celebrated." in edit and "manager" in edit
