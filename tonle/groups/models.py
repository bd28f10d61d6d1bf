"""A Smart Women group of a community and the women in it."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tonle.lib.models import BilingualNamed


class SmartWomenGroup(BilingualNamed):
    project = models.ForeignKey(
        "programs.Project",
        on_delete=models.PROTECT,
        related_name="groups",
        verbose_name=_("project"),
    )
    village = models.ForeignKey(
        "geo.Village", on_delete=models.PROTECT, related_name="groups", verbose_name=_("community")
    )
    supervising_body = models.ForeignKey(
        "programs.Organisation",
        on_delete=models.PROTECT,
        related_name="supervised_groups",
        verbose_name=_("supervised by"),
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("Smart Women group")
        verbose_name_plural = _("Smart Women groups")
        ordering = ["project", "village__code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "village"], name="one_group_per_community"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="group_ends_after_start",
            ),
        ]


class GroupRole(models.TextChoices):
    MEMBER = "member", _("Member")
    LEADER = "leader", _("Leader")


class GroupMembership(models.Model):
    group = models.ForeignKey(
        SmartWomenGroup,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("group"),
    )
    participant = models.ForeignKey(
        "people.Participant",
        on_delete=models.PROTECT,
        related_name="group_memberships",
        verbose_name=_("participant"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=GroupRole.choices, default=GroupRole.MEMBER
    )
    started_on = models.DateField(_("joined on"))
    ended_on = models.DateField(_("left on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-role", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "participant", "started_on"], name="membership_unique_spell"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="membership_ends_after_start",
            ),
        ]
