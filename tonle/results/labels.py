"""What a cell of a split is called on a page: a place's or a component's name, an age band, a period."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tonle.geo.models import Commune, District, Village
from tonle.people.ages import age_band_label
from tonle.people.models import Sex
from tonle.programs.models import ActivityType, Component
from tonle.results.indicators import DISABLED, NOT_DISABLED

_MODELS = {
    "district": District,
    "commune": Commune,
    "community": Village,
    "component": Component,
    "activity_type": ActivityType,
}


def _period_label(dimension: str, key: str) -> str:
    if dimension == "quarter":
        year, _sep, quarter = key.partition("-Q")
        return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}
    if dimension == "month" and "-" in key:
        year, month = key.split("-")
        return date_format(dt.date(int(year), int(month), 1), "YEAR_MONTH_FORMAT")
    return key


def split_labels(dimension: str, keys: list[str]) -> dict[str, str]:
    if dimension in _MODELS:
        ids = [int(k) for k in keys if k.isdigit()]
        return {str(obj.pk): obj.name for obj in _MODELS[dimension].objects.filter(pk__in=ids)}
    if dimension == "age_band":
        return {k: age_band_label(k) for k in keys}
    if dimension == "sex":
        return {k: str(Sex(k).label) if k in Sex.values else k for k in keys}
    if dimension == "disability":
        names = {DISABLED: _("with a disability"), NOT_DISABLED: _("without a disability")}
        return {k: str(names.get(k, k)) for k in keys}
    return {k: _period_label(dimension, k) for k in keys}
