"""Indicators as data: the measures a definition may name, checking a definition, computing it.

SQL is the truth here: a figure of people is a COUNT(DISTINCT participant) over the records
the definition selects, in the period asked for, so a woman who came to forty sessions counts
once. A definition looks like
    {"measure": "people_attending", "filters": {"topic": ["business"]}, "at_least": 3}
and is refused, part by part, when it names what does not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Model,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, ExtractMonth, ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tonle.cases.models import Case as SupportCase
from tonle.cases.models import CaseKind, Session
from tonle.groups.models import GroupMembership, GroupRole
from tonle.lib.memo import remembered
from tonle.outcomes.models import Milestone, MilestoneKind
from tonle.people.models import Sex
from tonle.programs.models import Activity, ActivityType, Attendance, Component, Project, Topic
from tonle.referrals.models import Referral, ReferralStatus, ServiceDelivery, ServiceKind
from tonle.results.expressions import AGE, age_band_key, quarter_key
from tonle.transport.models import Trip


@dataclass(frozen=True)
class Filter:
    """A filter a definition may use: the ORM path it applies to, and the values it accepts."""

    path: str
    choices: Callable[[Project], list[tuple[str, str]]]  # (value, what the reader calls it)

    def values(self, project: Project) -> set[str]:
        # Read once per page of figures (lib.memo): every split of a figure checks its filters.
        return remembered(
            ("filter-values", self, project.pk),
            lambda: {value for value, _label in self.choices(project)},
        )


@dataclass(frozen=True)
class Measure:
    code: str
    label: Any
    records: Callable[[Project], QuerySet]
    date: str  # path to the record's date
    person: str | None  # path to the participant's id; None for counts of records
    place: str | None  # path to the village where it happened (or where she lives)
    summed: str | None = None  # path to a number to add up instead of counting
    filters: dict[str, Filter] = field(default_factory=dict)
    activity: str | None = None  # prefix of the path to the activity, for its component and type

    @property
    def unit(self) -> str:
        return "riel" if self.summed else "people" if self.person else "records"


def _codes(model: type[Model]) -> Callable[[Project], list[tuple[str, str]]]:
    return lambda project: [(obj.code, obj.name) for obj in model.objects.all()]


def _choices(choices: Any) -> Callable[[Project], list[tuple[str, str]]]:
    return lambda project: [(str(value), str(label)) for value, label in choices.choices]


def _components(project: Project) -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in Component.objects.filter(project=project)]


_ACTIVITY_FILTERS = {
    "component": Filter("component__code", _components),
    "activity_type": Filter("activity_type__code", _codes(ActivityType)),
    "topic": Filter("topic__code", _codes(Topic)),
}


def _prefixed(prefix: str, filters: dict[str, Filter]) -> dict[str, Filter]:
    return {name: Filter(f"{prefix}{f.path}", f.choices) for name, f in filters.items()}


MEASURES = {
    m.code: m
    for m in [
        Measure(
            "people_attending", gettext_lazy("People who took part in activities"),
            lambda p: Attendance.objects.filter(activity__project=p), "activity__date",
            "participant_id", "activity__village", filters=_prefixed("activity__", _ACTIVITY_FILTERS),
            activity="activity__",
        ),
        Measure(
            "activities", gettext_lazy("Activities held"), lambda p: Activity.objects.filter(project=p),
            "date", None, "village", filters=_ACTIVITY_FILTERS, activity="",
        ),
        Measure(
            "smart_women", gettext_lazy("Smart Women (members of the groups)"),
            lambda p: GroupMembership.objects.filter(group__project=p), "started_on", "participant_id",
            "group__village", filters={"role": Filter("role", _choices(GroupRole))},
        ),
        Measure(
            "people_supported", gettext_lazy("People coached, mentored or counselled (with a session)"),
            lambda p: Session.objects.filter(case__project=p), "date", "case__participant_id",
            "case__participant__village", filters={"kind": Filter("case__kind", _choices(CaseKind))},
        ),
        Measure(
            "sessions", gettext_lazy("Coaching, mentoring and counselling sessions"),
            lambda p: Session.objects.filter(case__project=p), "date", None, "case__participant__village",
            filters={"kind": Filter("case__kind", _choices(CaseKind))},
        ),
        Measure(
            "people_served", gettext_lazy("People who received a service"),
            lambda p: ServiceDelivery.objects.filter(project=p), "delivered_on", "participant_id",
            "participant__village", filters={"service": Filter("kind", _choices(ServiceKind))},
        ),
        Measure(
            "referrals", gettext_lazy("Referrals made"), lambda p: Referral.objects.filter(project=p),
            "sent_on", None, "participant__village",
            filters={"service": Filter("service", _choices(ServiceKind)),
                     "status": Filter("status", _choices(ReferralStatus))},
        ),
        Measure(
            "trips", gettext_lazy("Tuk-tuk trips"), lambda p: Trip.objects.filter(contract__project=p),
            "date", None, "from_village",
        ),
        Measure(
            "fares", gettext_lazy("Tuk-tuk fares paid"), lambda p: Trip.objects.filter(contract__project=p),
            "date", None, "from_village", summed="fare",
        ),
        Measure(
            "people_milestone", gettext_lazy("People who reached a milestone"),
            lambda p: Milestone.objects.filter(project=p), "date", "participant_id",
            "participant__village", filters={"kind": Filter("kind", _choices(MilestoneKind))},
        ),
        Measure(
            "case_people", gettext_lazy("People with a case opened"),
            lambda p: SupportCase.objects.filter(project=p), "opened_on", "participant_id",
            "participant__village", filters={"kind": Filter("kind", _choices(CaseKind))},
        ),
    ]
}  # fmt: skip


def _with_sex(measure: Measure) -> Measure:
    """Every measure of people can be narrowed to women and girls (or any sex)."""
    if measure.person is None:
        return measure
    path = measure.person.removesuffix("_id") + "__sex"
    return replace(measure, filters={**measure.filters, "sex": Filter(path, _choices(Sex))})


MEASURES = {code: _with_sex(measure) for code, measure in MEASURES.items()}

DISABLED, NOT_DISABLED = "yes", "no"

# How a figure splits. Person dimensions need a measure of people; place ones a place.
DIMENSIONS = {
    "district": gettext_lazy("District"),
    "commune": gettext_lazy("Commune"),
    "community": gettext_lazy("Community"),
    "sex": gettext_lazy("Sex"),
    "age_band": gettext_lazy("Age"),
    "disability": gettext_lazy("Disability"),
    "component": gettext_lazy("Component"),
    "activity_type": gettext_lazy("Activity type"),
    "year": gettext_lazy("Year"),
    "quarter": gettext_lazy("Quarter"),
    "month": gettext_lazy("Month"),
}


def definition_check(*, project: Project, definition: dict[str, Any]) -> Measure:
    """The definition's measure, or a ValidationError naming the part that is wrong."""
    if not isinstance(definition, dict):
        raise ValidationError({"definition": _("A definition is a set of named parts.")})
    unknown = set(definition) - {"measure", "filters", "at_least"}
    if unknown:
        raise ValidationError(
            {"definition": _("Unknown part: %(parts)s.") % {"parts": ", ".join(sorted(unknown))}}
        )
    measure = MEASURES.get(definition.get("measure", ""))
    if measure is None:
        raise ValidationError(
            {"measure": _("“%(value)s” is not a measure Tonle knows. Choose one of: %(known)s.")
             % {"value": definition.get("measure", ""), "known": ", ".join(MEASURES)}}
        )  # fmt: skip
    filters = definition.get("filters") or {}
    if not isinstance(filters, dict):
        raise ValidationError({"filters": _("Filters are a set of named lists of values.")})
    for name, values in filters.items():
        if name not in measure.filters:
            raise ValidationError(
                {"filters": _("“%(name)s” cannot filter %(measure)s; it can be filtered by: %(known)s.")
                 % {"name": name, "measure": measure.code, "known": ", ".join(measure.filters) or "—"}}
            )  # fmt: skip
        wanted = {str(v) for v in (values if isinstance(values, list) else [values])}
        missing = wanted - measure.filters[name].values(project)
        if missing or not wanted:
            raise ValidationError(
                {"filters": _("%(name)s has no value “%(value)s”.")
                 % {"name": name, "value": ", ".join(sorted(missing)) or "—"}}
            )  # fmt: skip
    at_least = definition.get("at_least")
    if at_least is not None:
        if measure.person is None:
            raise ValidationError(
                {"at_least": _("“At least” counts a person's records; %(measure)s counts no people.")
                 % {"measure": measure.code}}
            )  # fmt: skip
        if not isinstance(at_least, int) or at_least < 1:
            raise ValidationError({"at_least": _("“At least” is a whole number of 1 or more.")})
    return measure


def indicator_records(
    *, project: Project, definition: dict[str, Any], start: dt.date | None, end: dt.date | None
) -> tuple[Measure, QuerySet]:
    """The definition's measure and the records it counts in the period (SQL, the truth)."""
    measure = definition_check(project=project, definition=definition)
    rows = measure.records(project)
    for name, values in (definition.get("filters") or {}).items():
        wanted = values if isinstance(values, list) else [values]
        rows = rows.filter(**{f"{measure.filters[name].path}__in": [str(v) for v in wanted]})
    if start:
        rows = rows.filter(**{f"{measure.date}__gte": start})
    if end:
        rows = rows.filter(**{f"{measure.date}__lte": end})
    at_least = definition.get("at_least")
    if at_least:
        # She counts only with enough records in the period: the people are chosen first.
        people = rows.values(measure.person).annotate(n=Count("pk")).filter(n__gte=at_least)
        rows = rows.filter(**{f"{measure.person}__in": people.values(measure.person)})
    return measure, rows


def _aggregate(measure: Measure) -> Any:
    if measure.summed:
        return Sum(measure.summed)
    if measure.person:
        return Count(measure.person, distinct=True)
    return Count("pk", distinct=True)


def indicator_value(
    *,
    project: Project,
    definition: dict[str, Any],
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Decimal | int:
    measure, rows = indicator_records(project=project, definition=definition, start=start, end=end)
    value = rows.aggregate(v=_aggregate(measure))["v"]
    return value or 0


def _person_path(measure: Measure, rest: str) -> str:
    return measure.person.removesuffix("_id") + "__" + rest


def _dimension_key(measure: Measure, dimension: str) -> Any:
    """The expression giving each record its cell in `dimension` (None when it does not apply)."""
    place = measure.place
    if dimension == "district" and place:
        return Cast(F(f"{place}__commune__district_id"), CharField())
    if dimension == "commune" and place:
        return Cast(F(f"{place}__commune_id"), CharField())
    if dimension == "community" and place:
        return Cast(F(f"{place}_id"), CharField())
    if dimension == "sex" and measure.person:
        return F(_person_path(measure, "sex"))
    if dimension == "disability" and measure.person:
        # Spelt out: a cast boolean reads "1" on SQLite and "true" on PostgreSQL.
        disabled = Q(**{_person_path(measure, "has_disability"): True})
        return Case(When(disabled, then=Value(DISABLED)), default=Value(NOT_DISABLED))
    if dimension == "age_band" and measure.person:
        age, band = age_band_key(date=measure.date, birth_year=_person_path(measure, "birth_year"))
        return (AGE, age, band)
    if dimension in {"component", "activity_type"}:
        return (
            None
            if measure.activity is None
            else Cast(F(f"{measure.activity}{dimension}_id"), CharField())
        )
    year = Cast(ExtractYear(measure.date), CharField())
    if dimension == "year":
        return year
    if dimension == "quarter":
        return quarter_key(measure.date)
    if dimension == "month":
        return Concat(
            year,
            Value("-"),
            Cast(ExtractMonth(measure.date), CharField()),
            output_field=CharField(),
        )
    return None


def dimensions_of(measure: Measure) -> list[str]:
    return [code for code in DIMENSIONS if _dimension_key(measure, code) is not None]


def dimensions_check(*, measure: Measure, dimensions: Iterable[str]) -> None:
    """Refuse a split by a dimension the measure's records do not have."""
    for dimension in dimensions:
        if _dimension_key(measure, dimension) is None:
            raise ValidationError({"dimension": _("%(measure)s does not split by %(dimension)s.")
                                   % {"measure": measure.code, "dimension": dimension}})  # fmt: skip


def _keyed(measure: Measure, rows: QuerySet, dimension: str, name: str) -> QuerySet:
    """The rows annotated with their key in `dimension` as `name`."""
    dimensions_check(measure=measure, dimensions=[dimension])
    key = _dimension_key(measure, dimension)
    if isinstance(key, tuple):
        age, expression, key = key
        rows = rows.annotate(**{age: expression})
    return rows.annotate(**{name: key})


def _where(measure: Measure, rows: QuerySet, where: dict[str, str] | None) -> QuerySet:
    """Only the records in the cell with these keys, e.g. {"district": "12", "quarter": "2023-Q1"}."""
    for number, (dimension, key) in enumerate((where or {}).items()):
        rows = _keyed(measure, rows, dimension, f"_in{number}").filter(**{f"_in{number}": key})
    return rows


def indicator_split(
    *,
    project: Project,
    definition: dict[str, Any],
    dimension: str,
    where: dict[str, str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Any]:
    """The figure in each cell of one dimension; cells of people can add up to more than the total."""
    measure, rows = indicator_records(project=project, definition=definition, start=start, end=end)
    rows = _keyed(measure, _where(measure, rows, where), dimension, "_cell")
    grouped = rows.values("_cell").annotate(v=_aggregate(measure))
    return {str(row["_cell"]): row["v"] or 0 for row in grouped}


def indicator_people(
    *,
    project: Project,
    definition: dict[str, Any],
    where: dict[str, str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
):
    """The women behind a figure of people (all of it, or one cell): as many as the figure."""
    from tonle.people.models import Participant

    measure, rows = indicator_records(project=project, definition=definition, start=start, end=end)
    if measure.person is None:
        raise ValidationError(
            {"measure": _("%(measure)s counts no people.") % {"measure": measure.code}}
        )
    rows = _where(measure, rows, where)
    return Participant.objects.filter(pk__in=rows.values(measure.person))
