"""Merging two records of one woman, and undoing it: every record follows, nothing is lost."""

import datetime as dt
import json

import pytest
from django.core import serializers
from django.core.exceptions import ValidationError

from tonle.cases.models import Case, Session
from tonle.cases.services import case_open, session_record
from tonle.groups.models import GroupMembership
from tonle.groups.services import membership_add
from tonle.groups.tests.factories import SmartWomenGroupFactory
from tonle.outcomes.models import Assessment, Milestone, Story
from tonle.outcomes.services import assessment_record, milestone_record, story_write
from tonle.people.merging import merge_steps
from tonle.people.models import Participant, ParticipantMerge
from tonle.people.selectors import participant_search, participants_visible_to
from tonle.people.services import (
    participant_likely_duplicates,
    participants_merge,
    participants_merge_undo,
)
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory
from tonle.referrals.models import Referral, ServiceDelivery
from tonle.referrals.services import referral_make, service_record
from tonle.referrals.tests.factories import ServiceProviderFactory
from tonle.transport.models import Trip
from tonle.transport.services import trip_record
from tonle.transport.tests.factories import ContractFactory

RECORDS = [Attendance, GroupMembership, Case, Session, Referral, ServiceDelivery, Trip,
           Milestone, Story, Assessment]  # fmt: skip


def give_every_record(world, woman, *, on: dt.date, group=None, stage="pre"):
    """One record of every kind for her, in project A."""
    by, project = world.officer_a, world.project_a
    activity = ActivityFactory(project=project, date=on)
    Attendance.objects.create(activity=activity, participant=woman)
    membership_add(by=by, group=group or world.group_a, participant=woman, started_on=on)
    case = case_open(by=by, participant=woman, project=project, kind="coaching", worker=by,
                     opened_on=on, consent_given=True, consent_date=on)  # fmt: skip
    session_record(by=by, case=case, date=on, duration_minutes=30)
    provider = ServiceProviderFactory()
    referral = referral_make(by=by, participant=woman, project=project, provider=provider,
                             service="health_visit", reason="Check-up", consent_given=True,
                             consent_date=on, sent_on=on)  # fmt: skip
    service_record(by=by, participant=woman, project=project, kind="health_visit",
                   delivered_on=on, provider=provider, referral=referral)  # fmt: skip
    trip_record(by=by, contract=ContractFactory(project=project), date=on, participant=woman,
                from_village=world.village_a, to_provider=provider, referral=referral,
                distance_km=3)  # fmt: skip
    milestone_record(by=by, participant=woman, project=project, kind="village_chief", date=on,
                     evidence="Letter of the commune")  # fmt: skip
    story_write(by=by, participant=woman, project=project, title="Her story", text="She speaks.",
                language="en", written_on=on)  # fmt: skip
    assessment_record(by=by, participant=woman, project=project, stage=stage, date=on,
                      confidence=2, knowledge=3)  # fmt: skip
    return activity


def records_of(woman):
    ids = {}
    for model in RECORDS:
        path = "case__participant" if model is Session else "participant"
        ids[model.__name__] = set(
            model.objects.filter(**{path: woman}).values_list("pk", flat=True)
        )
    return ids


def full_state(*women):
    """Every row of the women and of every record about them, as the database holds them."""
    rows = list(Participant.objects.filter(pk__in=[w.pk for w in women]).order_by("pk"))
    for model in RECORDS:
        path = "case__participant__in" if model is Session else "participant__in"
        rows += list(model.objects.filter(**{path: women}).order_by("pk"))
    return json.loads(serializers.serialize("json", rows))


@pytest.fixture
def pair(world):
    """Woman A registered twice in village A: once in Khmer, once in Latin letters."""
    first = ParticipantFactory(village=world.village_a, name_km="ចាន់ សុភា", name_latin="",
                               birth_year=1990, phone="", consent_given=True,
                               consent_date=dt.date(2022, 1, 1))  # fmt: skip
    second = ParticipantFactory(village=world.village_a, name_km="", name_latin="Chan Sophea",
                                birth_year=1991, phone="012 345 678", consent_given=False,
                                consent_date=None)  # fmt: skip
    give_every_record(world, first, on=dt.date(2023, 2, 1))
    group_b = SmartWomenGroupFactory(project=world.project_b, village=world.village_b)
    # Her second record's membership comes after the first one's ended.
    GroupMembership.objects.filter(participant=first).update(ended_on=dt.date(2023, 2, 10))
    give_every_record(world, second, on=dt.date(2023, 3, 1), group=group_b, stage="post")
    return first, second


def test_merge_moves_every_kind_of_record_to_the_survivor(world, pair):
    survivor, merged = pair
    before = {
        kind: records_of(survivor)[kind] | records_of(merged)[kind] for kind in records_of(survivor)
    }
    participants_merge(by=world.manager, survivor=survivor, merged=merged, values={})
    assert records_of(survivor) == before
    assert all(not ids for ids in records_of(merged).values())
    assert {s.name for s in merge_steps()} >= {
        "attendance", "membership", "case", "referral", "service", "trip", "milestone", "story",
        "assessment",
    }  # fmt: skip


def test_every_moved_record_has_a_history_row_naming_who_merged(world, pair):
    survivor, merged = pair
    moved = records_of(merged)
    participants_merge(by=world.manager, survivor=survivor, merged=merged, values={})
    for model in RECORDS:
        if model is Session:
            continue  # a session follows its case; the case's history says so
        for record in model.objects.filter(pk__in=moved[model.__name__]):
            latest = record.history.order_by("-history_id").first()
            assert (latest.history_type, latest.history_user, latest.participant_id) == (
                "~", world.manager, survivor.pk,
            )  # fmt: skip


def test_merge_fills_blank_fields_and_keeps_chosen_values(world, pair):
    survivor, merged = pair
    merge = participants_merge(
        by=world.manager, survivor=survivor, merged=merged, values={"birth": "merged"}
    )
    survivor.refresh_from_db()
    assert (survivor.name_km, survivor.name_latin) == ("ចាន់ សុភា", "Chan Sophea")
    assert survivor.birth_year == 1991
    assert survivor.phone == "012 345 678"
    assert merge.values["name_latin"] == "merged" and merge.values["name_km"] == "survivor"


def test_consent_is_never_widened_unless_chosen(world, pair):
    survivor, merged = pair  # the survivor gave consent, the other record has none
    participants_merge(by=world.manager, survivor=survivor, merged=merged, values={})
    survivor.refresh_from_db()
    assert survivor.consent_given is False


def test_consent_given_on_one_record_is_kept_when_the_user_chooses_it(world, pair):
    survivor, merged = pair
    participants_merge(
        by=world.manager, survivor=survivor, merged=merged, values={"consent": "survivor"}
    )
    survivor.refresh_from_db()
    assert survivor.consent_given is True


def test_the_same_activity_attended_by_both_keeps_one_attendance_and_undo_restores_both(
    world, pair
):
    survivor, merged = pair
    shared = ActivityFactory(project=world.project_a, date=dt.date(2023, 4, 1))
    mine = Attendance.objects.create(activity=shared, participant=survivor)
    theirs = Attendance.objects.create(activity=shared, participant=merged)
    merge = participants_merge(by=world.manager, survivor=survivor, merged=merged, values={})
    assert list(Attendance.objects.filter(activity=shared).values_list("pk", "participant")) == [
        (mine.pk, survivor.pk)
    ]
    assert merge.steps["attendance"]["removed"][0]["pk"] == theirs.pk
    assert theirs.history.order_by("-history_id").first().history_type == "-"

    participants_merge_undo(by=world.manager, merge=merge)
    assert set(Attendance.objects.filter(activity=shared).values_list("pk", "participant")) == {
        (mine.pk, survivor.pk), (theirs.pk, merged.pk),
    }  # fmt: skip


def test_the_same_assessment_stage_keeps_the_survivors(world, pair):
    survivor, merged = pair
    kept = Assessment.objects.get(participant=survivor)
    assessment_record(by=world.officer_a, participant=merged, project=world.project_a,
                      stage="pre", date=dt.date(2023, 3, 2), confidence=4, knowledge=4)  # fmt: skip
    participants_merge(by=world.manager, survivor=survivor, merged=merged, values={})
    assert list(Assessment.objects.filter(participant=survivor, stage="pre")) == [kept]


def test_overlapping_memberships_of_two_groups_refuse_the_merge(world, pair):
    survivor, merged = pair
    GroupMembership.objects.filter(participant=survivor).update(ended_on=None)
    with pytest.raises(ValidationError, match="two groups at the same time"):
        participants_merge(by=world.manager, survivor=survivor, merged=merged, values={})
    assert records_of(merged)["Attendance"]  # nothing moved
    assert Participant.objects.get(pk=merged.pk).merged_into is None


def test_undo_restores_both_women_and_their_records_exactly(world, pair):
    survivor, merged = pair
    state = full_state(survivor, merged)
    merge = participants_merge(
        by=world.manager, survivor=survivor, merged=merged,
        values={"birth": "merged", "consent": "survivor", "village": "merged"},
    )  # fmt: skip
    assert full_state(survivor, merged) != state
    participants_merge_undo(by=world.admin, merge=merge)
    assert full_state(survivor, merged) == state
    merge.refresh_from_db()
    assert merge.undone_by == world.admin and merge.undone_at is not None
    types = list(merged.history.order_by("history_id").values_list("history_type", "merged_into"))
    assert types[-2:] == [("~", survivor.pk), ("~", None)]


def test_undo_is_refused_while_a_later_merge_of_the_survivor_stands(world, pair):
    survivor, merged = pair
    third = ParticipantFactory(village=world.village_a)
    first_merge = participants_merge(by=world.manager, survivor=survivor, merged=merged, values={})
    later = participants_merge(by=world.manager, survivor=third, merged=survivor, values={})
    with pytest.raises(ValidationError, match="undo that merge first"):
        participants_merge_undo(by=world.manager, merge=first_merge)
    participants_merge_undo(by=world.manager, merge=later)
    participants_merge_undo(by=world.manager, merge=first_merge)
    assert not Participant.objects.exclude(merged_into=None).exists()


def test_a_merged_woman_is_gone_from_lists_search_and_scope(world, pair):
    survivor, merged = pair
    participants_merge(by=world.manager, survivor=survivor, merged=merged, values={})
    for user in (world.admin, world.manager, world.officer_a):
        assert merged not in participants_visible_to(user=user)
        assert survivor in participants_visible_to(user=user)
    found = list(participant_search(user=world.manager, text="Chan Sophea"))
    assert survivor in found and merged not in found
    likely = participant_likely_duplicates(user=world.manager, village=world.village_a,
                                           name_latin="Chan Sophea", birth_year=1991)  # fmt: skip
    assert survivor in [match.person for match in likely]
    assert merged not in [match.person for match in likely]


def test_a_merged_woman_cannot_be_merged_again(world, pair):
    survivor, merged = pair
    participants_merge(by=world.manager, survivor=survivor, merged=merged, values={})
    with pytest.raises(ValidationError, match="already merged"):
        participants_merge(by=world.manager, survivor=survivor, merged=merged, values={})
    assert ParticipantMerge.objects.count() == 1


def test_the_user_account_follows_the_woman(world):
    mentor_record = world.mentor.participant
    other = ParticipantFactory(village=world.village_a)
    merge = participants_merge(by=world.manager, survivor=other, merged=mentor_record, values={})
    world.mentor.refresh_from_db()
    assert world.mentor.participant == other
    participants_merge_undo(by=world.manager, merge=merge)
    world.mentor.refresh_from_db()
    assert world.mentor.participant == mentor_record
