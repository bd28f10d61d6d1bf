"""The Smart Women groups list."""

import datetime as dt

import pytest
from django.urls import reverse

from tonle.groups.tests.factories import GroupMembershipFactory


@pytest.mark.parametrize("persona", ["mentor", "officer_a"])
def test_the_group_list_counts_todays_members_of_the_group_for_its_mentor_too(
    client, world, persona
):
    """Eight members today (the mentor, the mentee and six more), one who left, one not yet in.

    The mentor's list once counted the one membership that put the group in her list: 1.
    """
    for _n in range(6):
        GroupMembershipFactory(group=world.group_a)
    GroupMembershipFactory(group=world.group_a, ended_on=dt.date(2023, 6, 30))
    GroupMembershipFactory(group=world.group_a, started_on=dt.date.today() + dt.timedelta(days=7))
    client.force_login(getattr(world, persona))

    page = client.get(reverse("groups-list"))

    assert [(g, g.current_members) for g in page.context["groups"]] == [(world.group_a, 8)]
    assert '<td class="n">8</td>' in page.content.decode()
