"""What a cell of a split is called on a page: a place's or a component's name, an age band, a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tonle.geo.models import Commune, District, Village
from tonle.lib.suppression import hidden_cells
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


def labelled_split(
    dimension: str, cells: dict[str, Any], names: bool
) -> list[tuple[str, str, Any]]:
    """(key, label, value) for a split; small cells hidden (None) from who sees no names."""
    labels = split_labels(dimension, list(cells))
    rows = sorted(
        ((key, labels.get(key, key), value) for key, value in cells.items()), key=lambda c: c[0]
    )
    hidden = set() if names else hidden_cells([value for _key, _label, value in rows])
    return [
        (key, label, None if i in hidden else value) for i, (key, label, value) in enumerate(rows)
    ]


def trend_columns(quarters: list[tuple[str, str, Any]]) -> list[tuple[str, Any, int]]:
    """A quarterly split as columns of a chart: (label, value, height in % of the highest)."""
    highest = max((value or 0 for _key, _label, value in quarters), default=0)
    return [
        (label, value, round(100 * (value or 0) / highest) if highest else 0)
        for _key, label, value in quarters
    ]
