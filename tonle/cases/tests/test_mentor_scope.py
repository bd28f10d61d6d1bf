"""A Smart Woman has one scope: her group today and the women she holds an open case for."""

import datetime as dt

import pytest
from django.urls import reverse

from tonle.cases.models import CaseKind
from tonle.cases.services import case_close
from tonle.cases.tests.factories import CaseFactory
from tonle.groups.tests.factories import GroupMembershipFactory
from tonle.people.tests.factories import ParticipantFactory


@pytest.fixture
def her_case(world):
    """An open case the mentor holds for a woman of project A who is not in her group."""
    return CaseFactory(
        participant=ParticipantFactory(village=world.village_a),
        project=world.project_a,
        worker=world.mentor,
        kind=CaseKind.MENTORING,
    )


@pytest.fixture
def officers_case(world):
    """A case of the field officer's for a woman who is nothing to the mentor."""
    return CaseFactory(participant=world.woman_a, project=world.project_a, worker=world.officer_a)


def test_a_smart_woman_opens_the_person_page_of_a_woman_she_holds_a_case_for(
    client, world, her_case
):
    client.force_login(world.mentor)
    assert client.get(reverse("cases-detail", args=[her_case.pk])).status_code == 200
    person = client.get(reverse("people-detail", args=[her_case.participant_id]))
    assert person.status_code == 200


def test_a_smart_woman_lists_and_opens_only_cases_of_women_in_her_scope(
    client, world, her_case, officers_case
):
    client.force_login(world.mentor)
    listed = list(client.get(reverse("cases-list")).context["cases"])
    assert listed == [her_case]
    assert client.get(reverse("cases-detail", args=[officers_case.pk])).status_code == 404
    assert client.get(reverse("people-detail", args=[world.woman_a.pk])).status_code == 404


def test_the_counselling_picker_offers_her_scope_and_no_one_else(client, world, her_case):
    outsider = ParticipantFactory(village=world.village_a)
    client.force_login(world.mentor)
    page = client.get(reverse("cases-counselling"))
    offered = set(page.context["form"].fields["participant"].queryset)
    assert offered == {world.mentee, her_case.participant}
    assert outsider.name_latin not in page.content.decode()


def test_a_closed_case_takes_the_woman_out_of_a_smart_womans_scope(client, world, her_case):
    case_close(by=world.officer_a, case=her_case, closed_on=dt.date(2023, 6, 1))
    client.force_login(world.mentor)
    assert client.get(reverse("people-detail", args=[her_case.participant_id])).status_code == 404


def test_a_smart_woman_whose_membership_ended_no_longer_sees_her_old_group(client, world):
    membership = world.mentor.participant.group_memberships.get()
    membership.ended_on = dt.date(2023, 6, 30)
    membership.save()
    client.force_login(world.mentor)
    assert client.get(reverse("groups-detail", args=[world.group_a.pk])).status_code == 404
    assert list(client.get(reverse("groups-list")).context["groups"]) == []
    assert client.get(reverse("people-detail", args=[world.mentee.pk])).status_code == 404


def test_a_smart_woman_does_not_see_members_who_have_left_her_group(client, world):
    gone = GroupMembershipFactory(group=world.group_a, ended_on=dt.date(2023, 6, 30)).participant
    client.force_login(world.mentor)
    page = client.get(reverse("groups-detail", args=[world.group_a.pk]))
    assert gone.name_latin not in page.content.decode()
    assert {m.participant for m in page.context["memberships"]} == {
        world.mentee,
        world.mentor.participant,
    }
