"""What the indicator grids are made of: bitmaps by key, age bands, chunks of ids, changes read from history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import Count, Max, Model, Q, QuerySet
from django.utils import timezone
from pyroaring import BitMap

from tonle.people.ages import age_bands

# History rows younger than this are read again at the next refresh: on PostgreSQL a
# transaction can commit a lower history id after a higher one was already read.
REREAD_WINDOW = dt.timedelta(seconds=60)
_CHUNK = 100_000
# Ids in one `IN (...)`: well under SQLite's default limit of 32,766 variables.
ID_CHUNK = 5000


def bitmaps_by_key(keys: np.ndarray, people: np.ndarray) -> Iterable[tuple[int, BitMap]]:
    """(key, the people with that key) for each key present, keys ascending, ids below 2**32."""
    pairs = np.unique((keys.astype(np.int64) << 32) | people.astype(np.int64))
    keys, people = pairs >> 32, (pairs & 0xFFFFFFFF).astype(np.uint32)
    starts = np.flatnonzero(np.diff(keys)) + 1
    for key_run, people_run in zip(np.split(keys, starts), np.split(people, starts), strict=True):
        if len(key_run):
            yield int(key_run[0]), BitMap(people_run)


def int_rows(rows: QuerySet, width: int) -> np.ndarray:
    """A values_list() queryset of whole numbers as an (n, width) array, read in chunks.

    Straight from the cursor: millions of rows without a Python tuple each kept alive.
    """
    sql, params = rows.query.sql_with_params()
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(_CHUNK):
            parts.append(np.array(chunk, dtype=np.int64).reshape(-1, width))
    return np.concatenate(parts) if parts else np.empty((0, width), dtype=np.int64)


def chunks(ids: list[int]) -> Iterable[list[int]]:
    """The ids, ID_CHUNK at a time, for queries that filter by them."""
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start : start + ID_CHUNK]


def band_indexes(years: np.ndarray, born: np.ndarray) -> np.ndarray:
    """Each record's age band, as an index into age_bands(); -1 for an unknown age.

    Age in the year of the record, as the SQL of expressions.age_band_key counts it; a year
    of birth of 0 means none was recorded.
    """
    ages = years - born
    index = np.full(len(years), -1, dtype=np.int64)
    for i, band in enumerate(age_bands()):
        inside = (born > 0) & (ages >= band.low)
        if band.high is not None:
            inside &= ages <= band.high
        index[inside] = i
    return index


@dataclass
class Changes:
    """What a history table says changed since a mark."""

    inserted: set[int]  # records only created since (their new rows are all "+")
    altered: set[int]  # records changed or deleted since
    mark: int  # the mark to keep next
    seen: list[int]  # history ids above the mark already read


def changed_since(model: type[Model], mark: int, seen: Iterable[int] = ()) -> Changes:
    """The model's records changed after history id `mark`, skipping history ids already `seen`.

    Rows younger than REREAD_WINDOW stay above the mark, so that one committed late with a
    lower id is still found; passing them back as `seen` keeps them from being applied twice.
    Those already seen are counted, not read again: only a count that differs (a row committed
    late among them) reads them, so catching up after each tick reads the tick, not the minute.
    """
    settled = timezone.now() - REREAD_WINDOW
    seen = set(seen)
    top = max(seen, default=mark)
    history = model.history.filter(history_id__gt=mark)
    fields = ("history_id", "history_date", "history_type", "id")
    seen_rows = history.filter(history_id__lte=top)
    between = (
        seen_rows.aggregate(
            rows=Count("history_id"),
            settled=Max("history_id", filter=Q(history_date__lte=settled)),
        )
        if seen
        else {"rows": 0, "settled": None}
    )
    mark = max(mark, between["settled"] or 0)
    rows = list(history.filter(history_id__gt=top).values_list(*fields))
    if between["rows"] != len(seen):
        rows += seen_rows.exclude(history_id__in=seen).values_list(*fields)
    inserted: set[int] = set()
    altered: set[int] = set()
    recent = [history_id for history_id in seen if history_id > mark]
    for history_id, history_date, history_type, pk in rows:
        (inserted if history_type == "+" else altered).add(pk)
        if history_date <= settled:
            mark = max(mark, history_id)
        else:
            recent.append(history_id)
    return Changes(
        inserted=inserted - altered,
        altered=altered,
        mark=mark,
        seen=sorted(history_id for history_id in recent if history_id > mark),
    )


def last_history_id(model: type[Model]) -> int:
    return model.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
