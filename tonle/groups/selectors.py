"""Reads for Smart Women groups."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from tonle.accounts.models import Role, User
from tonle.groups.models import GroupMembership, SmartWomenGroup
from tonle.people.models import Participant
from tonle.people.timeline import TimelineEntry
from tonle.programs.selectors import projects_visible_to


def groups_visible_to(*, user: User) -> QuerySet[SmartWomenGroup]:
    if not user.is_authenticated or not user.may_see_names:
        return SmartWomenGroup.objects.none()
    if user.role == Role.SMART_WOMAN:
        return SmartWomenGroup.objects.filter(memberships__participant__account=user).distinct()
    return SmartWomenGroup.objects.filter(project__in=projects_visible_to(user=user).values("id"))


def group_list(*, user: User) -> QuerySet[SmartWomenGroup]:
    return (
        groups_visible_to(user=user)
        .select_related("project", "village__commune__district", "supervising_body")
        .annotate(
            current_members=Count("memberships", filter=Q(memberships__ended_on__isnull=True)),
        )
    )


def group_get_for_user(*, user: User, group_id: int) -> SmartWomenGroup:
    try:
        group = SmartWomenGroup.objects.select_related(
            "project", "village__commune__district", "supervising_body"
        ).get(pk=group_id)
    except SmartWomenGroup.DoesNotExist as missing:
        raise Http404 from missing
    if not groups_visible_to(user=user).filter(pk=group.pk).exists():
        raise PermissionDenied
    return group


def group_members(*, group: SmartWomenGroup) -> QuerySet[GroupMembership]:
    return group.memberships.select_related("participant__village").order_by(
        "ended_on", "-role", "participant__name_latin_key"
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
