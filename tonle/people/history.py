"""A person's change history, read from django-simple-history as who, when and what."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Field

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
    changes = []
    previous = None
    for record in records:
        fields = []
        if previous is not None:
            for delta in record.diff_against(previous).changes:
                model_field = Participant._meta.get_field(delta.field)
                fields.append(
                    (
                        str(model_field.verbose_name),
                        _show(model_field, delta.old),
                        _show(model_field, delta.new),
                    )
                )
        changes.append(
            Change(
                when=record.history_date,
                who=record.history_user.get_username() if record.history_user else "",
                kind=record.history_type,
                fields=fields,
            )
        )
        previous = record
    return list(reversed(changes))


def _show(model_field: Field, value: object) -> str:
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        target = model_field.related_model.objects.filter(pk=value).first()
        return str(target) if target else str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)
