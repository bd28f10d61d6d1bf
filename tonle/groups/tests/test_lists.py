"""Groups and a group's members: lists that grow, read a page at a time with their count."""

from django.urls import reverse

from tonle.geo.tests.factories import VillageFactory
from tonle.groups.tests.factories import GroupMembershipFactory, SmartWomenGroupFactory


def test_every_member_of_a_large_group_is_reachable_with_the_count(client, world):
    GroupMembershipFactory.create_batch(55, group=world.group_a)
    client.force_login(world.officer_a)
    url = reverse("groups-detail", args=[world.group_a.pk])
    first, second = client.get(url), client.get(url, {"page": "2"})
    members = world.group_a.memberships.count()
    assert members == 57 and "Showing 1–50 of 57" in first.content.decode()
    listed = [m.pk for m in first.context["memberships"]] + [
        m.pk for m in second.context["memberships"]
    ]
    assert sorted(listed) == sorted(world.group_a.memberships.values_list("pk", flat=True))


def test_the_list_of_groups_is_paged_in_a_stable_order(client, world):
    for village in VillageFactory.create_batch(52):  # one group a community
        world.project_a.communities.add(village)
        SmartWomenGroupFactory(project=world.project_a, village=village)
    client.force_login(world.officer_a)
    pages = [client.get(reverse("groups-list"), {"page": n}).context["groups"] for n in (1, 2)]
    listed = [group.pk for page in pages for group in page]
    assert len(listed) == len(set(listed)) == 53
