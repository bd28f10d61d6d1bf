"""A project's outcomes page: every milestone and every woman's change reachable a page at a time
(the list of changes stopped at 200 without a word), each list paged on its own."""

import datetime as dt

from django.urls import reverse

from tonle.outcomes.models import Assessment, AssessmentStage, Milestone, MilestoneKind
from tonle.people.tests.factories import ParticipantFactory


def _assess(world, woman, before, after):
    return [
        Assessment(
            participant=woman, project=world.project_a, stage=stage, date=dt.date(2023, 6, 1),
            confidence=score, knowledge=3, assessed_by=world.officer_a,
        )
        for stage, score in ((AssessmentStage.PRE, before), (AssessmentStage.POST, after))
    ]  # fmt: skip


def test_the_201st_womans_change_is_on_a_later_page_with_the_count(client, world):
    women = ParticipantFactory.create_batch(200, village=world.village_a)
    least = ParticipantFactory(village=world.village_a, name_latin="Last Least")
    rows = [row for woman in women for row in _assess(world, woman, 2, 4)]
    Assessment.objects.bulk_create([*rows, *_assess(world, least, 4, 1)])
    client.force_login(world.officer_a)
    url = reverse("outcomes-project", args=[world.project_a.slug])
    first = client.get(url)
    assert least not in [change.participant for change in first.context["changes"]]
    last = client.get(url, {"changes": "5", "milestones": "2"})
    assert [change.participant for change in last.context["changes"]] == [least]
    assert "Showing 201–201 of 201" in last.content.decode()
    assert last.context["changes"].previous_url == "?milestones=2&changes=4#changes"


def test_every_milestone_is_reachable_a_page_at_a_time(client, world):
    Milestone.objects.bulk_create(
        Milestone(
            participant=world.woman_a, project=world.project_a, kind=MilestoneKind.CCWC_MEMBER,
            date=dt.date(2023, 1, 1) + dt.timedelta(days=n), evidence="Card", recorded_by=world.officer_a,
        )
        for n in range(60)
    )  # fmt: skip
    client.force_login(world.officer_a)
    page = client.get(reverse("outcomes-project", args=[world.project_a.slug]), {"milestones": 2})
    assert [m.date for m in page.context["milestones"]][-1] == dt.date(2023, 1, 1)
    assert "Showing 51–60 of 60" in page.content.decode()
