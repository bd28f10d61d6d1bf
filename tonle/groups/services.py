"""Writes for Smart Women groups: forming a group and adding, promoting or ending a member."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tonle.accounts.models import User
from tonle.geo.models import Village
from tonle.groups.models import GroupMembership, GroupRole, SmartWomenGroup
from tonle.lib.models import recorded_by
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


def _spell_overlapping(
    *, participant: Participant, started_on: dt.date, ended_on: dt.date | None, but: int | None
) -> GroupMembership | None:
    """Her membership, in any group, that shares a day with the spell (a woman who left on a day
    has left that day, so a spell may start the day another ends)."""
    spells = GroupMembership.objects.filter(participant=participant).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=started_on)
    )
    if ended_on is not None:
        spells = spells.filter(started_on__lt=ended_on)
    if but is not None:
        spells = spells.exclude(pk=but)
    return spells.select_related("group").order_by("started_on").first()


def _refuse_overlap(membership: GroupMembership) -> None:
    other = _spell_overlapping(
        participant=membership.participant,
        started_on=membership.started_on,
        ended_on=membership.ended_on,
        but=membership.pk,
    )
    if other is not None:
        raise ValidationError(
            {
                "started_on": _(
                    "She is a member of %(group)s from %(date)s: a woman is in one group at a "
                    "time. End that membership first, or move her."
                )
                % {"group": other.group.name, "date": date_format(other.started_on)}
            }
        )


def membership_add(
    *,
    by: User | None,
    group: SmartWomenGroup,
    participant: Participant,
    started_on: dt.date,
    role: str = GroupRole.MEMBER,
) -> GroupMembership:
    """She joins the group on a day; refused while she is in a group (this one or another)."""
    membership = GroupMembership(
        group=group, participant=participant, role=role, started_on=started_on
    )
    if group.ended_on is not None and started_on >= group.ended_on:
        raise ValidationError({"started_on": _("The group had ended by then.")})
    membership.full_clean()
    recorded_by(membership, user=by)
    with transaction.atomic():
        # Two officers adding her at once: the second waits here, then sees the first's spell.
        Participant.objects.select_for_update().filter(pk=participant.pk).first()
        _refuse_overlap(membership)
        membership.save()
    return membership


def membership_end(
    *, by: User | None, membership: GroupMembership, ended_on: dt.date
) -> GroupMembership:
    """She leaves on that day (she is no longer a member from it)."""
    with transaction.atomic():
        membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
        if membership.ended_on is not None:
            raise ValidationError(
                {"ended_on": _("This membership already ended on %(date)s.")
                 % {"date": date_format(membership.ended_on)}}
            )  # fmt: skip
        if ended_on < membership.started_on:
            raise ValidationError(
                {"ended_on": _("She cannot leave before she joined (%(date)s).")
                 % {"date": date_format(membership.started_on)}}
            )  # fmt: skip
        membership.ended_on = ended_on
        membership.full_clean()
        recorded_by(membership, user=by)
        membership.save()
    return membership


def membership_move(
    *,
    by: User | None,
    membership: GroupMembership,
    to_group: SmartWomenGroup,
    on: dt.date,
    role: str | None = None,
) -> GroupMembership:
    """She leaves her group and joins another on the same day, both or neither.

    Her role goes with her unless another is given; the new membership is returned.
    """
    if to_group.pk == membership.group_id:
        raise ValidationError({"to_group": _("She is already in this group: choose another.")})
    try:
        with transaction.atomic():
            ended = membership_end(by=by, membership=membership, ended_on=on)
            return membership_add(
                by=by,
                group=to_group,
                participant=ended.participant,
                started_on=on,
                role=role or ended.role,
            )
    except ValidationError as refused:
        # The day of the move is both spells' date: a refusal of either is about it.
        raise ValidationError(
            {
                "on" if field in {"ended_on", "started_on"} else field: messages
                for field, messages in refused.message_dict.items()
            }
        ) from refused


def memberships_clashing_in_merge(*, survivor: Participant, merged: Participant) -> QuerySet:
    """The merged woman's spells in a group that overlap a spell of the survivor in the same
    group: the same membership written twice, removed by the merge (the survivor's stays).

    Spells in two different groups at once cannot both be hers (a woman is in one group at a
    time): the merge is refused until an officer ends one of them."""
    clashing = []
    for spell in GroupMembership.objects.filter(participant=merged).select_related("group"):
        other = _spell_overlapping(
            participant=survivor, started_on=spell.started_on, ended_on=spell.ended_on, but=None
        )
        if other is None:
            continue
        if other.group_id != spell.group_id:
            raise ValidationError(
                _(
                    "The two records are members of two groups at the same time (%(first)s and "
                    "%(second)s from %(date)s): end one of these memberships before merging."
                )
                % {"first": other.group.name, "second": spell.group.name,
                   "date": date_format(max(spell.started_on, other.started_on))}
            )  # fmt: skip
        clashing.append(spell.pk)
    return GroupMembership.objects.filter(pk__in=clashing)
