"""Writes for Smart Women groups: forming a group and adding, promoting or ending a member."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tonle.accounts.models import User
from tonle.geo.models import Village
from tonle.groups.models import GroupMembership, GroupRole, SmartWomenGroup
from tonle.people.models import Participant
from tonle.programs.models import Organisation, Project


def group_create(
    *,
    project: Project,
    village: Village,
    supervising_body: Organisation,
    started_on: dt.date,
    name_en: str = "",
    name_km: str = "",
) -> SmartWomenGroup:
    if not project.communities.filter(pk=village.pk).exists():
        raise ValidationError(
            {"village": _("This village is not one of the project's communities.")}
        )
    group = SmartWomenGroup(
        project=project,
        village=village,
        supervising_body=supervising_body,
        started_on=started_on,
        name_en=name_en or f"Smart Women of {village.name_en}",
        name_km=name_km or f"ស្ត្រីឆ្លាតវៃភូមិ{village.name_km}",
    )
    group.full_clean()
    with transaction.atomic():
        group.save()
    return group


def membership_add(
    *,
    by: User | None,
    group: SmartWomenGroup,
    participant: Participant,
    started_on: dt.date,
    role: str = GroupRole.MEMBER,
) -> GroupMembership:
    if GroupMembership.objects.filter(
        group=group, participant=participant, ended_on__isnull=True
    ).exists():
        raise ValidationError({"participant": _("She is already a member of this group.")})
    membership = GroupMembership(
        group=group, participant=participant, role=role, started_on=started_on
    )
    membership.full_clean()
    membership._history_user = by
    with transaction.atomic():
        membership.save()
    return membership


def membership_end(
    *, by: User | None, membership: GroupMembership, ended_on: dt.date
) -> GroupMembership:
    membership.ended_on = ended_on
    membership.full_clean()
    membership._history_user = by
    with transaction.atomic():
        membership.save()
    return membership
