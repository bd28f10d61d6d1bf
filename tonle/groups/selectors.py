"""Reads for Smart Women groups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tonle.accounts.guards import guarded_get
from tonle.accounts.models import Role, User
from tonle.groups.models import GroupMembership, SmartWomenGroup
from tonle.people.models import Participant
from tonle.people.selectors import participants_visible_to
from tonle.people.timeline import TimelineEntry
from tonle.programs.selectors import projects_visible_to


def memberships_current(*, today: dt.date | None = None) -> QuerySet[GroupMembership]:
    """Memberships that have begun and not ended: a woman who left on a date has left that day."""
    today = today or timezone.localdate()
    return GroupMembership.objects.filter(started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    )


def _mentor_groups(user: User) -> QuerySet[GroupMembership, Any]:
    """The ids of the groups a Smart Woman belongs to today."""
    return memberships_current().filter(participant__account=user).values("group_id")


def mentor_group_members(user: User) -> QuerySet[GroupMembership, Any]:
    """Her part of the one scope (people.selectors): today's members of her groups today."""
    return memberships_current().filter(group__in=_mentor_groups(user)).values("participant_id")


def groups_visible_to(*, user: User) -> QuerySet[SmartWomenGroup]:
    if not user.is_authenticated or not user.may_see_names:
        return SmartWomenGroup.objects.none()
    if user.role == Role.SMART_WOMAN:
        return SmartWomenGroup.objects.filter(pk__in=_mentor_groups(user))
    return SmartWomenGroup.objects.filter(project__in=projects_visible_to(user=user).values("id"))


def group_list(*, user: User) -> QuerySet[SmartWomenGroup]:
    return (
        groups_visible_to(user=user)
        .select_related("project", "village__commune__district", "supervising_body")
        .annotate(
            current_members=Count(
                "memberships", filter=Q(memberships__in=memberships_current().values("pk"))
            ),
        )
        # An annotated query drops the model's ordering; a list read by pages needs one.
        .order_by("project", "village__code", "id")
    )


def group_get_for_user(*, user: User, group_id: int) -> SmartWomenGroup:
    return guarded_get(
        visible=groups_visible_to(user=user).select_related(
            "project", "village__commune__district", "supervising_body"
        ),
        record_type="group",
        record_id=group_id,
    )


def group_members(*, group: SmartWomenGroup, user: User) -> QuerySet[GroupMembership]:
    """Her group's memberships, of the women the user may see (a mentor: today's members)."""
    return (
        group.memberships.filter(participant__in=participants_visible_to(user=user).values("pk"))
        .select_related("participant__village")
        .order_by("ended_on", "-role", "participant__name_latin_key")
    )


def membership_get_for_user(
    *, user: User, group: SmartWomenGroup, membership_id: int
) -> GroupMembership:
    """One membership of a group the user may open, of a woman she may see; else NotInScope."""
    return guarded_get(
        visible=group_members(group=group, user=user).select_related("group"),
        record_type="group",
        record_id=f"{group.pk}/{membership_id}",
        pk=membership_id,
    )


def group_candidates(*, group: SmartWomenGroup, user: User) -> QuerySet[Participant]:
    """The women of the group's community the user may see who are in no group today."""
    return (
        participants_visible_to(user=user)
        .filter(village=group.village_id)
        .exclude(pk__in=memberships_current().values("participant_id"))
        .order_by("name_latin_key", "pk")
    )


def groups_to_move_to(*, group: SmartWomenGroup, user: User) -> QuerySet[SmartWomenGroup]:
    """The user's other groups that still meet."""
    return (
        groups_visible_to(user=user)
        .exclude(pk=group.pk)
        .filter(ended_on__isnull=True)
        .select_related("village")
        .order_by("project", "village__code", "id")
    )


def membership_timeline(participant: Participant, user: User) -> list[TimelineEntry]:
    visible = set(groups_visible_to(user=user).values_list("id", flat=True))
    entries = []
    for membership in participant.group_memberships.select_related("group"):
        role = membership.get_role_display()
        url = (
            reverse("groups-detail", args=[membership.group_id])
            if membership.group_id in visible
            else ""
        )
        entries.append(
            TimelineEntry(
                date=membership.started_on,
                kind=_("Smart Women group"),
                title=_("Joined %(group)s as %(role)s")
                % {"group": membership.group.name, "role": role},
                url=url,
            )
        )
        if membership.ended_on:
            entries.append(
                TimelineEntry(
                    date=membership.ended_on,
                    kind=_("Smart Women group"),
                    title=_("Left %(group)s") % {"group": membership.group.name},
                    url=url,
                )
            )
    return entries
