"""The one guarded lookup of a record, and the exception every refusal is logged from."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


class NotInScope(Http404):
    """A record the user may not open, or one that does not exist: the same answer for both.

    Out of scope and missing look alike (a 404), so ids cannot be probed; the refusal
    middleware writes both to the access log with the kind of record and its id.
    """

    def __init__(self, *, record_type: str, record_id: object) -> None:
        super().__init__(f"No {record_type} {record_id}")
        self.record_type = record_type
        self.record_id = record_id


def guarded_get(
    *, visible: QuerySet[M], record_type: str, record_id: object, **lookup: object
) -> M:
    """The record among those the user may see, by pk (or the given lookup); else NotInScope."""
    try:
        return visible.get(**(lookup or {"pk": record_id}))
    except (visible.model.DoesNotExist, ValueError, TypeError) as missing:
        raise NotInScope(record_type=record_type, record_id=record_id) from missing
