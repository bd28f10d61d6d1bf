"""Writes for the results framework: indicators (checked before saving), their targets, import and export."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tonle.accounts.models import User
from tonle.programs.models import Project
from tonle.results.framework import framework_figures
from tonle.results.grid import figure_ids, grid_refresh, served_by_grid
from tonle.results.indicators import MEASURES, definition_check
from tonle.results.models import Indicator, IndicatorLevel, IndicatorUnit, PeriodLock, Target
from tonle.results.reach import REACH

logger = logging.getLogger(__name__)

FIELDS = (
    "code",
    "level",
    "name_en",
    "name_km",
    "unit",
    "direction",
    "baseline",
    "definition",
    "position",
)


def indicator_save(
    *,
    project: Project,
    indicator: Indicator | None = None,
    parent: Indicator | None = None,
    **fields: Any,
) -> Indicator:
    """Create an indicator, or change `indicator` (the same one, by its id: its code may
    change too); a broken definition is refused, part by part, and so is a code that another
    indicator of the project already has."""
    definition = fields.get("definition") or {}
    if fields.get("level") != IndicatorLevel.GOAL or definition:
        measure = definition_check(project=project, definition=definition)
        fields.setdefault("unit", measure.unit)
    else:
        # A goal may be a statement with no figure of its own; its indicators are below it.
        fields.setdefault("unit", IndicatorUnit.PEOPLE)
    if parent is not None and parent.project_id != project.pk:
        raise ValidationError({"parent": _("The parent indicator belongs to another project.")})
    # Read again (and of this project): the caller's copy is left as it was if refused.
    indicator = project.indicators.get(pk=indicator.pk) if indicator else Indicator(project=project)
    code = fields.get("code", indicator.code)
    if project.indicators.filter(code=code).exclude(pk=indicator.pk).exists():
        raise ValidationError({"code": _code_taken(code)})
    created = indicator.pk is None
    # The level it leaves, numbered again once it is gone.
    left = (
        None
        if created or fields.get("level", indicator.level) == indicator.level
        else indicator.level
    )
    wanted = fields.pop("position", None)
    for name in FIELDS:
        if name in fields:
            setattr(indicator, name, fields[name])
    indicator.parent = parent
    indicator.full_clean(exclude=["project", "parent", "position"])
    with transaction.atomic():
        try:
            with transaction.atomic():
                indicator.save()
        except IntegrityError as taken:  # the same code saved by another at the same moment
            raise ValidationError({"code": _code_taken(code)}) from taken
        if wanted is not None or created or left:
            _level_number(project=project, level=indicator.level, placed=indicator, at=wanted)
        if left:
            _level_number(project=project, level=left)
    return indicator


def _code_taken(code: str) -> str:
    return _("Another indicator of this project has the code “%(code)s”.") % {"code": code}


def _level_number(
    *, project: Project, level: str, placed: Indicator | None = None, at: int | None = None
) -> None:
    """Number the indicators of a level 1, 2, 3 … again, `placed` put at position `at` (None:
    after them all), so a new one never lands above the goal."""
    level_indicators = Indicator.objects.filter(project=project, level=level)
    if placed is not None:
        level_indicators = level_indicators.exclude(pk=placed.pk)
    others = list(level_indicators.order_by("position", "id"))
    if placed is not None:
        others.insert(len(others) if at is None else min(max(at, 1) - 1, len(others)), placed)
    for number, each in enumerate(others, start=1):
        if each.position != number:
            each.position = number
            Indicator.objects.filter(pk=each.pk).update(position=number)


def target_set(
    *, indicator: Indicator, starts_on: dt.date, ends_on: dt.date, value: Decimal
) -> Target:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The period ends before it starts.")})
    target, _created = Target.objects.update_or_create(
        indicator=indicator, starts_on=starts_on, ends_on=ends_on, defaults={"value": value}
    )
    return target


def framework_export(*, project: Project) -> list[dict[str, Any]]:
    """The framework as plain data (for JSON or YAML): parents before their children."""
    rows = []
    indicators = project.indicators.select_related("parent").prefetch_related("targets")
    for indicator in _parents_first(list(indicators)):
        rows.append(
            {
                **{name: getattr(indicator, name) for name in FIELDS},
                "baseline": str(indicator.baseline),
                "parent": indicator.parent.code if indicator.parent else None,
                "targets": [
                    {
                        "from": t.starts_on.isoformat(),
                        "to": t.ends_on.isoformat(),
                        "value": str(t.value),
                    }
                    for t in indicator.targets.all()
                ],
            }
        )
    return rows


def _parents_first(indicators: list[Indicator]) -> list[Indicator]:
    """The framework's order, except that an indicator waits until its parent is listed (an
    output may contribute to an output placed after it)."""
    ids = {i.pk for i in indicators}
    listed: list[Indicator] = []
    pending = list(indicators)
    while pending:
        done = {i.pk for i in listed}
        ready = next(
            (i for i in pending if i.parent_id in done or i.parent_id not in ids - {i.pk}),
            pending[0],  # a loop of parents: list them as they are
        )
        listed.append(ready)
        pending.remove(ready)
    return listed


@transaction.atomic
def framework_import(*, project: Project, rows: list[dict[str, Any]]) -> list[Indicator]:
    """Create or update every indicator of the data; one broken indicator stops the whole import."""
    saved: dict[str, Indicator] = {}
    for number, row in enumerate(rows, start=1):
        try:
            parent_code = row.get("parent")
            parent = saved.get(parent_code or "") or (
                project.indicators.filter(code=parent_code).first() if parent_code else None
            )
            if parent_code and parent is None:
                raise ValidationError(
                    {"parent": _("No indicator has the code “%(code)s”.") % {"code": parent_code}}
                )
            fields = {name: row[name] for name in FIELDS if name in row}
            # The data names its indicators by code: the project's indicator of that code
            # is changed, or a new one made.
            indicator = indicator_save(
                project=project, parent=parent, **fields,
                indicator=project.indicators.filter(code=fields["code"]).first(),
            )  # fmt: skip
            for target in row.get("targets", []):
                target_set(
                    indicator=indicator,
                    starts_on=dt.date.fromisoformat(target["from"]),
                    ends_on=dt.date.fromisoformat(target["to"]),
                    value=Decimal(str(target["value"])),
                )
        except (ValidationError, KeyError, ValueError) as broken:
            raise ValidationError(
                _("Indicator %(n)s (%(code)s): %(problem)s")
                % {"n": number, "code": row.get("code", "?"), "problem": _problem(broken)}
            ) from broken
        saved[indicator.code] = indicator
    return list(saved.values())


def _problem(broken: Exception) -> str:
    if isinstance(broken, ValidationError) and hasattr(broken, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in broken.message_dict.items()
        )
    if isinstance(broken, KeyError):
        return _("“%(part)s” is missing.") % {"part": broken.args[0]}
    return str(broken)


def period_lock(*, by: User, project: Project, starts_on: dt.date, ends_on: dt.date) -> PeriodLock:
    """Freeze every indicator's figure of the period, with the ids of the women behind it."""
    if PeriodLock.objects.filter(project=project, starts_on=starts_on, ends_on=ends_on).exists():
        raise ValidationError({"starts_on": _("This period is already locked.")})
    frozen = {}
    for item in framework_figures(project=project, start=starts_on, end=ends_on, split=False):
        definition = item.indicator.definition
        if item.value is None:
            continue
        ids = None
        if MEASURES[definition["measure"]].person:
            ids = list(
                figure_ids(project=project, definition=definition, start=starts_on, end=ends_on)
            )
        frozen[item.indicator.code] = {"value": str(item.value), "ids": ids}
    with transaction.atomic():
        return PeriodLock.objects.create(
            project=project, starts_on=starts_on, ends_on=ends_on, locked_by=by, figures=frozen
        )


def results_catch_up(*, projects: Iterable[Project] | None = None) -> dict[str, int]:
    """Save the grids (the dashboard's reach and every indicator a grid serves) caught up with
    the records, building those never built, so that readers, who never write, have little
    left to count in memory.

    The background worker runs it every few seconds (manage.py run_worker); each grid is
    caught up in its own short transaction."""
    done = {"projects": 0, "grids": 0}
    for project in projects if projects is not None else Project.objects.order_by("pk"):
        done["projects"] += 1
        for definition in grid_definitions(project=project):
            try:
                grid_refresh(project=project, definition=definition)
            except ValidationError:  # a broken definition: its figure says so on the framework
                logger.warning("%s: the grid of %s cannot be built", project.slug, definition)
                continue
            done["grids"] += 1
    return done


def grid_definitions(*, project: Project) -> list[dict[str, Any]]:
    """The definitions a grid serves: the dashboard's reach, then the project's indicators'
    (each once: an indicator of women and girls attending shares the reach's grid)."""
    definitions: dict[str, dict[str, Any]] = {json.dumps(REACH, sort_keys=True): REACH}
    for definition in project.indicators.values_list("definition", flat=True):
        if served_by_grid(definition=definition, start=None, end=None):
            definitions[json.dumps(definition, sort_keys=True)] = definition
    return list(definitions.values())
