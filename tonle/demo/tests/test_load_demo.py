"""The demo reproduces the closing report's figures, and loading it twice changes nothing."""

import pytest
from django.core.management import call_command

from tonle.geo.models import District
from tonle.groups.models import GroupMembership, SmartWomenGroup
from tonle.people.models import Participant
from tonle.programs.models import Attendance, Project
from tonle.results.reach import reach_total


@pytest.mark.django_db
def test_demo_reproduces_the_reports_figures_and_is_idempotent():
    call_command("load_demo")
    project = Project.objects.get(slug="ccdo-elc")
    counts = (Participant.objects.count(), Attendance.objects.count())

    assert reach_total(project=project) == 2814
    assert (
        GroupMembership.objects.filter(group__project=project)
        .values("participant")
        .distinct()
        .count()
        == 46
    )
    assert SmartWomenGroup.objects.filter(project=project).count() == 6
    districts = District.objects.filter(communes__villages__projects=project).distinct()
    assert sorted(d.name_en for d in districts) == ["Angkor Thum", "Banteay Srei", "Prasat Bakong"]
    assert project.communities.filter(commune__name_en="Bakong").exists()
    topics = set(project.activities.values_list("topic__code", flat=True))
    assert {"health-care", "gender-equity", "personal-development", "business"} <= topics

    call_command("load_demo")

    assert (Participant.objects.count(), Attendance.objects.count()) == counts
