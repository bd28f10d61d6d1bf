"""What a cell of a split is called on a page: a place's or a component's name, an age band, a period."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tonle.geo.models import Commune, District, Village
from tonle.lib.suppression import hidden_cells
from tonle.people.ages import UNKNOWN_AGE, age_band_label, age_bands
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


def labels_of_splits(splits: Iterable[dict[str, dict[str, Any]]]) -> dict[str, dict[str, str]]:
    """split_labels of every dimension of many splits (a page of figures) at once: each
    table of places or components read once for the page, not once per figure."""
    keys: dict[str, set[str]] = {}
    for split in splits:
        for dimension, cells in split.items():
            keys.setdefault(dimension, set()).update(cells)
    return {dimension: split_labels(dimension, sorted(k)) for dimension, k in keys.items()}


_PERIOD = {"year": re.compile(r"^(\d+)$"), "quarter": re.compile(r"^(\d+)-Q(\d+)$"),
           "month": re.compile(r"^(\d+)-(\d+)$")}  # fmt: skip


def _fixed_order(dimension: str) -> list[str]:
    if dimension == "age_band":
        return [band.code for band in age_bands()] + [UNKNOWN_AGE]
    if dimension == "sex":
        return list(Sex.values)
    if dimension == "disability":
        return [DISABLED, NOT_DISABLED]
    return []


def split_order(
    dimension: str, keys: Iterable[str], labels: dict[str, str] | None = None
) -> list[str]:
    """The cells of a split in their natural order, the one every table prints them in:
    periods by date (January before October), age bands by age, places and components as
    their lists are ordered (by code, by name); a key none of these knows comes last.

    `labels` are split_labels' own (their order is the places' and components'), when at hand.
    """
    keys = list(keys)
    if dimension in _MODELS:
        listed = list(labels if labels is not None else split_labels(dimension, keys))
    else:
        listed = _fixed_order(dimension)
    pattern = _PERIOD.get(dimension)

    def rank(key: str) -> tuple[int, tuple[int, ...], str]:
        if key in listed:
            return 0, (listed.index(key),), key
        matched = pattern.match(key) if pattern else None
        if matched:
            return 0, tuple(int(part) for part in matched.groups()), key
        return 1, (), key

    return sorted(keys, key=rank)


OTHER = ""  # the key of the one row that stands for every hidden cell of a split


def other_label() -> str:
    return _("Other (fewer than 5 each, or hidden with one that is)")


def labelled_split(
    dimension: str, cells: dict[str, Any], names: bool, labels: dict[str, str] | None = None
) -> list[tuple[str, str, Any]]:
    """(key, label, value) for a split; `labels` are the dimension's from labels_of_splits,
    when at hand.

    For who sees no names the cells hidden (None, or small) are not listed one by one, as the
    row alone would say where the women are: they make one last row, its value hidden.
    """
    if labels is None:
        labels = split_labels(dimension, list(cells))
    rows = [
        (key, labels.get(key, key), cells[key]) for key in split_order(dimension, cells, labels)
    ]
    if names:
        return rows
    small = hidden_cells([0 if value is None else value for _key, _label, value in rows])
    shown = [row for i, row in enumerate(rows) if row[2] is not None and i not in small]
    if len(shown) < len(rows):
        shown.append((OTHER, other_label(), None))
    return shown


def trend_columns(quarters: list[tuple[str, str, Any]]) -> list[tuple[str, Any, int]]:
    """A quarterly split as columns of a chart: (label, value, height in % of the highest)."""
    highest = max((value or 0 for _key, _label, value in quarters), default=0)
    return [
        (label, value, round(100 * (value or 0) / highest) if highest else 0)
        for key, label, value in quarters
        if key != OTHER
    ]
