"""Adding, ending and moving a Smart Woman: the services' rules and the group page's scope."""

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tonle.accounts.models import AccessAction, AccessLog
from tonle.groups import services
from tonle.groups.models import GroupMembership, GroupRole
from tonle.groups.services import membership_add, membership_end, membership_move
from tonle.groups.tests.factories import GroupMembershipFactory, SmartWomenGroupFactory

MOVE_DAY = dt.date(2023, 5, 1)


@pytest.fixture
def group_b(world):
    """A second group of the same project (another of its communities)."""
    from tonle.geo.tests.factories import VillageFactory

    village = VillageFactory()
    world.project_a.communities.add(village)
    return SmartWomenGroupFactory(project=world.project_a, village=village)


@pytest.fixture
def leader(world):
    return world.group_a.memberships.get(role=GroupRole.LEADER)


def test_a_move_ends_her_membership_and_starts_the_new_one_on_the_same_day_with_history(
    world, group_b, leader
):
    moved = membership_move(by=world.officer_a, membership=leader, to_group=group_b, on=MOVE_DAY)

    leader.refresh_from_db()
    assert leader.ended_on == MOVE_DAY
    assert (moved.group, moved.participant, moved.started_on, moved.role) == (
        group_b, leader.participant, MOVE_DAY, GroupRole.LEADER,
    )  # fmt: skip
    assert leader.history.latest().history_user == world.officer_a
    assert moved.history.get().history_user == world.officer_a


def test_a_move_that_cannot_start_her_new_membership_leaves_the_old_one_as_it_was(
    world, group_b, leader
):
    with (
        mock.patch.object(services, "membership_add", side_effect=ValidationError({"role": "x"})),
        pytest.raises(ValidationError),
    ):
        membership_move(by=world.officer_a, membership=leader, to_group=group_b, on=MOVE_DAY)

    leader.refresh_from_db()
    assert leader.ended_on is None
    assert leader.history.count() == 1


def test_she_cannot_be_added_to_a_second_group_while_she_is_in_one(world, group_b, leader):
    with pytest.raises(ValidationError) as refused:
        membership_add(
            by=world.officer_a, group=group_b, participant=leader.participant, started_on=MOVE_DAY
        )

    assert "one group at a time" in refused.value.message_dict["started_on"][0]
    assert not group_b.memberships.exists()


def test_a_spell_back_in_time_that_overlaps_an_ended_one_is_refused(world, group_b):
    ended = GroupMembershipFactory(group=world.group_a, ended_on=dt.date(2023, 1, 1))

    with pytest.raises(ValidationError) as refused:
        membership_add(by=world.officer_a, group=group_b, participant=ended.participant,
                       started_on=dt.date(2022, 12, 1))  # fmt: skip
    assert "started_on" in refused.value.message_dict

    joined = membership_add(by=world.officer_a, group=group_b, participant=ended.participant,
                            started_on=dt.date(2023, 1, 1))  # fmt: skip
    assert joined.history.get().history_type == "+"


def test_moving_her_to_her_own_group_or_before_she_joined_names_the_field(world, group_b, leader):
    with pytest.raises(ValidationError) as same:
        membership_move(by=None, membership=leader, to_group=world.group_a, on=MOVE_DAY)
    with pytest.raises(ValidationError) as early:
        membership_move(by=None, membership=leader, to_group=group_b, on=dt.date(2020, 1, 1))

    assert list(same.value.message_dict) == ["to_group"]
    assert list(early.value.message_dict) == ["on"]


def test_an_ended_membership_cannot_be_ended_again(world, leader):
    membership_end(by=world.officer_a, membership=leader, ended_on=MOVE_DAY)

    with pytest.raises(ValidationError) as refused:
        membership_end(by=world.officer_a, membership=leader, ended_on=dt.date(2023, 6, 1))
    assert "ended_on" in refused.value.message_dict


@pytest.mark.parametrize("persona", ["officer_a", "manager", "admin"])
def test_the_staff_of_the_project_move_a_smart_woman_from_the_group_page(
    client, world, group_b, leader, persona
):
    client.force_login(getattr(world, persona))
    url = reverse("groups-member-move", args=[world.group_a.pk, leader.pk])

    assert (
        client.get(reverse("groups-detail", args=[world.group_a.pk])).content.decode().count(url)
        == 1
    )
    page = client.post(url, {"to_group": group_b.pk, "on": "2023-05-01"})

    assert page.status_code == 302
    assert group_b.memberships.get().participant == leader.participant


def test_a_move_refused_by_the_service_shows_the_reason_beside_the_date(client, world, group_b,
                                                                        leader):  # fmt: skip
    client.force_login(world.officer_a)

    page = client.post(
        reverse("groups-member-move", args=[world.group_a.pk, leader.pk]),
        {"to_group": group_b.pk, "on": "2020-01-01"},
    )

    assert page.status_code == 200
    assert page.context["form"].errors["on"]
    assert not group_b.memberships.exists()


def test_an_officer_of_another_project_cannot_change_the_group_and_is_logged(
    client, world, group_b, leader
):
    client.force_login(world.officer_b)

    for url in [
        reverse("groups-member-add", args=[world.group_a.pk]),
        reverse("groups-member-move", args=[world.group_a.pk, leader.pk]),
        reverse("groups-member-end", args=[world.group_a.pk, leader.pk]),
    ]:
        assert client.post(url, {"to_group": group_b.pk, "on": "2023-05-01",
                                 "ended_on": "2023-05-01"}).status_code == 404  # fmt: skip

    assert AccessLog.objects.filter(user=world.officer_b, action=AccessAction.REFUSED).count() == 3
    assert GroupMembership.objects.filter(ended_on__isnull=False).count() == 0


@pytest.mark.parametrize("persona", ["mentor", "donor"])
def test_a_smart_woman_or_a_donor_cannot_change_a_group(client, world, leader, persona):
    client.force_login(getattr(world, persona))

    page = client.post(
        reverse("groups-member-end", args=[world.group_a.pk, leader.pk]), {"ended_on": "2023-05-01"}
    )

    assert page.status_code == 403
    leader.refresh_from_db()
    assert leader.ended_on is None


def test_the_officer_adds_a_woman_of_the_community_and_cannot_pick_one_of_another(
    client, world, group_b
):
    client.force_login(world.officer_a)
    url = reverse("groups-member-add", args=[world.group_a.pk])

    offered = client.get(url).context["form"].fields["participant"].queryset
    assert world.woman_a in offered and world.woman_b not in offered
    refused = client.post(url, {"participant": world.woman_b.pk, "role": "member",
                                "started_on": "2023-05-01"})  # fmt: skip
    added = client.post(url, {"participant": world.woman_a.pk, "role": "member",
                              "started_on": "2023-05-01"})  # fmt: skip

    assert refused.status_code == 200 and "participant" in refused.context["form"].errors
    assert added.status_code == 302
    assert world.group_a.memberships.filter(participant=world.woman_a).exists()
