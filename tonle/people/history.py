"""A person's change history, read from django-simple-history as who, when and what."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Field, Model

from tonle.people.models import Participant


@dataclass(frozen=True)
class Change:
    when: dt.datetime
    who: str
    kind: str  # "+" created, "~" changed, "-" removed
    fields: list[tuple[str, str, str]]  # (field label, old, new)


def participant_changes(*, participant: Participant) -> list[Change]:
    records = list(
        participant.history.select_related("history_user").order_by("history_date", "history_id")
    )
    deltas = []  # (record, [(model field, old, new)])
    previous = None
    for record in records:
        fields = []
        if previous is not None:
            for delta in record.diff_against(previous).changes:
                fields.append((Participant._meta.get_field(delta.field), delta.old, delta.new))
        deltas.append((record, fields))
        previous = record
    # The villages and users named in the changes, read in one query per kind, not one a change.
    named = _related_named(values for _record, fields in deltas for values in fields)
    changes = [
        Change(
            when=record.history_date,
            who=record.history_user.get_username() if record.history_user else "",
            kind=record.history_type,
            fields=[
                (str(field.verbose_name), _show(field, old, named), _show(field, new, named))
                for field, old, new in fields
            ],
        )
        for record, fields in deltas
    ]
    return list(reversed(changes))


def _related_named(
    deltas: Iterable[tuple[Field, object, object]],
) -> dict[type[Model], dict[object, Model]]:
    wanted: dict[type[Model], set[object]] = defaultdict(set)
    for field, old, new in deltas:
        if field.is_relation:
            wanted[field.related_model].update(v for v in (old, new) if v not in (None, ""))
    return {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items()}


def _show(model_field: Field, value: object, named: dict[type[Model], dict[object, Model]]) -> str:
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        target = named.get(model_field.related_model, {}).get(value)
        return str(target) if target else str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)
