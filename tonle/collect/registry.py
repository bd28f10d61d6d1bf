"""What the record apps lend the raw inbox: their projects, the media files phones download, and
the appliers that turn a submission into their records.

`collect` comes first in the data flow and imports no record app. Each app that knows
something the phones need registers it here from its AppConfig.ready(): the programs app
the projects a user works on, the people app the list of women on her phone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise

from tonle.accounts.models import User
from tonle.lib.models import record_withdraw

StrOrPromise = str | Promise
# The projects a user works on (every project for managers), as a queryset of objects with
# an `id` whose str() is the project's name.
ProjectSource = Callable[[User], QuerySet]
# The bytes of a media file made for the user asking (the women in her own scope).
MediaProvider = Callable[[User], bytes]

_project_sources: list[ProjectSource] = []
_media_providers: dict[str, MediaProvider] = {}


def project_source_register(source: ProjectSource) -> None:
    if source not in _project_sources:
        _project_sources.append(source)


def projects_of(*, user: User) -> list:
    """The projects the user works on, from every registered source, in their order."""
    projects: dict[int, object] = {}
    for source in _project_sources:
        for project in source(user):
            projects.setdefault(project.id, project)
    return list(projects.values())


def media_provider_register(*, name: str, provider: MediaProvider) -> None:
    """`name` is the file name forms refer to, e.g. women.csv for select_one_from_file."""
    _media_providers[name] = provider


def media_provider(*, name: str) -> MediaProvider | None:
    return _media_providers.get(name)


@dataclass(frozen=True)
class TargetField:
    """A field of a record kind that a form's answer (or a constant) fills."""

    name: str
    label: StrOrPromise
    # Form field names that suggest it, lower case, e.g. ("woman", "participant").
    hints: tuple[str, ...] = ()
    required: bool = False
    # Read inside each repeat of the kind's `repeat` field (an attendance's women), not once.
    in_repeat: bool = False
    # The field is a repeat group, not an answer.
    repeat: bool = False


@dataclass(frozen=True)
class Applier:
    """How one kind of record applies a submission, registered by its app in AppConfig.ready().

    `apply(answers)` writes through the app's services, as `answers.user`, and returns the
    records it made (to be undone later); it raises ApplyError with a message per field when
    it cannot. `apply_many(batch)`, where a kind has one, does the same for the answers of
    many submissions at once, in a few statements, and returns the records each made; it
    leaves a submission it cannot apply with its problems in its answers' errors. `unapply(by, record)` undoes one of those records through the app's services;
    without one, the record is withdrawn (deleted, its history kept: lib.models.record_withdraw).
    Kinds apply in `order`: a woman first, then what is about her.
    """

    kind: str
    label: StrOrPromise
    fields: tuple[TargetField, ...]
    apply: Callable[[Any], list[Model]]
    unapply: Callable[[User | None, Model], None] | None = None
    order: int = 50
    apply_many: Callable[[list[Any]], list[list[Model]]] | None = None

    def apply_each(self, batch: list[Any]) -> list[list[Model]]:
        """The records each of many submissions' answers made: at once where the kind can."""
        if self.apply_many is not None:
            return self.apply_many(batch)
        return [self.apply(answers) for answers in batch]

    def undo(self, by: User | None, record: Model) -> None:
        if self.unapply is not None:
            self.unapply(by, record)
        else:
            record_withdraw(record=record, user=by)


_appliers: dict[str, Applier] = {}


def applier_register(applier: Applier) -> None:
    _appliers[applier.kind] = applier


def appliers() -> list[Applier]:
    """Every registered kind, in the order they apply."""
    return sorted(_appliers.values(), key=lambda applier: (applier.order, applier.kind))


def applier_of(kind: str) -> Applier | None:
    return _appliers.get(kind)
