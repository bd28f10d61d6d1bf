"""The results framework: indicators, targets, period locks, and the indicator grids behind their figures."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from tonle.lib.models import BilingualNamed


class IndicatorLevel(models.TextChoices):
    GOAL = "goal", _("Goal")
    OUTCOME = "outcome", _("Outcome")
    OUTPUT = "output", _("Output")


# The results chain, top down: how the framework lists indicators before their position.
LEVEL_RANK = models.Case(
    *(
        models.When(level=level, then=models.Value(rank))
        for rank, level in enumerate(IndicatorLevel)
    ),
    default=models.Value(len(IndicatorLevel)),
    output_field=models.IntegerField(),
)


class IndicatorUnit(models.TextChoices):
    PEOPLE = "people", _("people")
    RECORDS = "records", _("records")
    RIEL = "riel", _("riel")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")


class Indicator(BilingualNamed):
    """A figure of the results framework, defined as data: what it counts, from which records.

    `definition` is checked by results.indicators.definition_check before it is saved, e.g.
    {"measure": "people_attending", "filters": {"topic": ["business"]}, "at_least": 3}.
    """

    project = models.ForeignKey(
        "programs.Project",
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("project"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("contributes to"),
    )
    level = models.CharField(_("level"), max_length=10, choices=IndicatorLevel.choices)
    code = models.SlugField(_("code"))
    unit = models.CharField(_("unit"), max_length=10, choices=IndicatorUnit.choices)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=0)
    definition = models.JSONField(_("definition"), default=dict, blank=True)
    # Its place among the indicators of its level (1 first); the results chain comes first.
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["project", LEVEL_RANK, "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "code"], name="indicator_code_unique_in_project"
            )
        ]


class Target(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "starts_on", "ends_on"], name="one_target_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="target_period_in_order",
            ),
        ]


class PeriodLock(models.Model):
    """A reporting period whose figures were frozen: each indicator's value and the ids behind it.

    Records can still change afterwards (a late sheet, a merge); the reported figures do not,
    and the framework page shows what changed since, for review.
    """

    project = models.ForeignKey(
        "programs.Project",
        on_delete=models.CASCADE,
        related_name="period_locks",
        verbose_name=_("project"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    locked_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("locked by")
    )
    locked_at = models.DateTimeField(_("locked at"), auto_now_add=True)
    # {code: {"value": n, "ids": [participant ids] or None}}
    figures = models.JSONField(_("frozen figures"))

    class Meta:
        verbose_name = _("locked period")
        verbose_name_plural = _("locked periods")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "starts_on", "ends_on"], name="one_lock_per_period"
            )
        ]


class IndicatorGrid(models.Model):
    """The precomputed people of one indicator definition: a bitmap per fine cell (grid.py).

    Derived data: rebuilt from SQL at any time, caught up from the history tables by the
    background worker (a reader catches it up in memory, never saves). `stamp` is a hash of
    the definition and the age bands.
    """

    project = models.ForeignKey(
        "programs.Project", on_delete=models.CASCADE, related_name="indicator_grids"
    )
    stamp = models.CharField(max_length=64)
    definition = models.JSONField()
    marks = models.JSONField(default=dict)  # the last history id read of each source
    data = models.BinaryField()  # the serialized grid
    cells = models.PositiveIntegerField(default=0)
    # A new value at each change, so a process knows whether the grid it holds is current.
    revision = models.UUIDField(default=uuid.uuid4)
    built_at = models.DateTimeField()
    caught_up_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "stamp"], name="one_grid_per_definition")
        ]
