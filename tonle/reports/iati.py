"""A project as an IATI 2.03 activity file, checked against the official schema before it is offered.

The schema files are vendored (iati_schema/, CC BY 4.0), so validation runs offline. Results
carry each indicator of the framework with its baseline, and one period per target with the
target and the actual counted for it, disaggregated by sex and age band where the indicator
counts people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from tonle.lib.suppression import protected_table
from tonle.programs.models import IatiOrganisationType, Organisation, OrganisationKind, Project
from tonle.results.framework import plain_number
from tonle.results.grid import figure_and_splits
from tonle.results.indicators import MEASURES, dimensions_of
from tonle.results.labels import split_labels
from tonle.results.models import Direction, Indicator, IndicatorLevel

SCHEMA = Path(__file__).parent / "iati_schema" / "iati-activities-schema.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# IATI codelists: ActivityStatus, ActivityDateType, OrganisationRole, ResultType, IndicatorMeasure.
STATUS_IMPLEMENTATION, STATUS_FINALISATION = "2", "3"
DATE_ACTUAL_START, DATE_PLANNED_END, DATE_ACTUAL_END = "2", "3", "4"
ROLE_FUNDING, ROLE_IMPLEMENTING = "1", "4"
RESULT_TYPES = {IndicatorLevel.GOAL: "3", IndicatorLevel.OUTCOME: "2", IndicatorLevel.OUTPUT: "1"}
MEASURE_UNIT, MEASURE_QUALITATIVE = "1", "5"
_TYPE_OF_KIND = {
    OrganisationKind.NGO: IatiOrganisationType.NATIONAL_NGO,
    OrganisationKind.GOVERNMENT: IatiOrganisationType.GOVERNMENT,
    OrganisationKind.CCWC: IatiOrganisationType.LOCAL_GOVERNMENT,
    OrganisationKind.DONOR: IatiOrganisationType.FOUNDATION,
    OrganisationKind.PARTNER: IatiOrganisationType.OTHER,
}
DISAGGREGATED = ("sex", "age_band")


@dataclass
class IatiFile:
    xml: bytes
    errors: list[str]  # empty when the file may be published

    @property
    def valid(self) -> bool:
        return not self.errors


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def iati_errors(xml: bytes) -> list[str]:
    """What the IATI 2.03 schema says is wrong with a file, line by line; none when it is valid."""
    try:
        document = etree.fromstring(xml)
    except etree.XMLSyntaxError as broken:
        return [str(broken)]
    schema = _schema()
    if schema.validate(document):
        return []
    return [
        _("Line %(line)s: %(message)s") % {"line": error.line, "message": error.message}
        for error in schema.error_log
    ]


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: Any):
    element = etree.SubElement(
        parent, tag, {k.replace("_", "-"): str(v) for k, v in attributes.items() if v != ""}
    )
    if text is not None:
        element.text = text
    return element


def _narratives(parent: etree._Element, english: str, khmer: str) -> None:
    _sub(parent, "narrative", english or khmer)
    if khmer:
        _sub(parent, "narrative", khmer).set(XML_LANG, "km")


def _texted(parent: etree._Element, tag: str, english: str, khmer: str, **attributes: Any):
    element = _sub(parent, tag, **attributes)
    _narratives(element, english, khmer)
    return element


def _org_type(organisation: Organisation) -> str:
    return organisation.iati_type or _TYPE_OF_KIND.get(organisation.kind, "90")


def identifier(project: Project) -> str:
    return project.iati_identifier or f"{project.organisation.iati_ref}-{project.slug}"


def _problems(project: Project) -> list[str]:
    """What IATI's rules ask beyond the schema, and Tonle can see is missing."""
    problems = []
    if not project.organisation.iati_ref:
        problems.append(
            _("%(org)s has no IATI organisation identifier: add it to the organisation.")
            % {"org": project.organisation.name}
        )
    elif not identifier(project).startswith(project.organisation.iati_ref):
        problems.append(_("The IATI activity identifier must start with the organisation's."))
    return problems


def _number(value: Any) -> str:
    return "" if value is None else str(plain_number(value))


def _result(activity: etree._Element, project: Project, indicator: Indicator) -> None:
    result = _sub(activity, "result", type=RESULT_TYPES[indicator.level])
    _texted(result, "title", indicator.name_en, indicator.name_km)
    measure = MEASURES[indicator.definition["measure"]]
    element = _sub(
        result, "indicator", measure=MEASURE_UNIT,
        ascending="1" if indicator.direction == Direction.INCREASE else "0",
    )  # fmt: skip
    _texted(element, "title", indicator.name_en, indicator.name_km)
    _sub(element, "baseline", year=project.starts_on.year, value=_number(indicator.baseline))
    wanted = [d for d in DISAGGREGATED if measure.person and d in dimensions_of(measure)]
    targets = list(indicator.targets.all()) or [None]
    for target in targets:
        start = target.starts_on if target else project.starts_on
        end = target.ends_on if target else project.ends_on
        value, splits = figure_and_splits(
            project=project, definition=indicator.definition, dimensions=wanted, start=start,
            end=end,
        )  # fmt: skip
        period = _sub(element, "period")
        _sub(period, "period-start", iso_date=start.isoformat())
        _sub(period, "period-end", iso_date=end.isoformat())
        if target:
            _sub(period, "target", value=_number(target.value))
        if measure.person:
            # The file is public: figures that could point at a woman are left out, with
            # those that would give them away by subtraction.
            value, splits = protected_table(value, splits)
        if value is not None:
            _sub(period, "actual", value=_number(value))
        for dimension, cells in splits.items():
            keys = sorted(k for k, count in cells.items() if count is not None)
            labels = split_labels(dimension, keys)
            for key in keys:
                actual = _sub(period, "actual", value=_number(cells[key]))
                _sub(actual, "dimension", name=dimension, value=labels.get(key, key))


def iati_activity_file(*, project: Project, today: dt.date | None = None) -> IatiFile:
    """The project as an IATI 2.03 activity file, and what stops it from being published."""
    today = today or timezone.localdate()
    root = etree.Element(
        "iati-activities",
        {"version": "2.03", "generated-datetime": timezone.now().isoformat(timespec="seconds")},
    )
    activity = _sub(
        root, "iati-activity", last_updated_datetime=timezone.now().isoformat(timespec="seconds"),
        default_currency="KHR",
    )  # fmt: skip
    activity.set(XML_LANG, "en")
    _sub(activity, "iati-identifier", identifier(project))
    organisation = project.organisation
    _texted(activity, "reporting-org", organisation.name_en, organisation.name_km,
            ref=organisation.iati_ref, type=_org_type(organisation))  # fmt: skip
    _texted(activity, "title", project.name_en, project.name_km)
    _texted(activity, "description", project.description or project.name_en,
            project.description_km, type="1")  # fmt: skip
    for funder in project.funders.all():
        _texted(activity, "participating-org", funder.name_en, funder.name_km,
                ref=funder.iati_ref, type=_org_type(funder), role=ROLE_FUNDING)  # fmt: skip
    _texted(activity, "participating-org", organisation.name_en, organisation.name_km,
            ref=organisation.iati_ref, type=_org_type(organisation), role=ROLE_IMPLEMENTING)  # fmt: skip
    finished = project.ends_on < today
    _sub(
        activity, "activity-status", code=STATUS_FINALISATION if finished else STATUS_IMPLEMENTATION
    )
    _sub(activity, "activity-date", type=DATE_ACTUAL_START, iso_date=project.starts_on.isoformat())
    _sub(activity, "activity-date", type=DATE_ACTUAL_END if finished else DATE_PLANNED_END,
         iso_date=project.ends_on.isoformat())  # fmt: skip
    _sub(activity, "recipient-country", code="KH", percentage="100")
    for village in project.communities.select_related("commune__district__province"):
        commune = village.commune
        location = _sub(activity, "location", ref=f"{identifier(project)}-{village.pk}")
        _sub(location, "location-reach", code="1")  # where the activity happens
        _texted(location, "name", village.name_en, village.name_km)
        _texted(location, "description",
                f"{commune.name_en}, {commune.district.name_en}, {commune.district.province.name_en}",
                f"{commune.name_km}, {commune.district.name_km}, {commune.district.province.name_km}")  # fmt: skip
        _sub(location, "exactness", code="2")  # approximate: the village, not a point
        _sub(location, "location-class", code="2")  # a populated place
    _sub(activity, "sector", vocabulary="1", code=project.dac_sector, percentage="100")
    for indicator in project.indicators.prefetch_related("targets"):
        if indicator.definition:
            _result(activity, project, indicator)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return IatiFile(xml=xml, errors=iati_errors(xml) + _problems(project))
