"""One timeline per person, fed by every app that records something about her.

Apps further down the flow (programs, groups, cases, ...) register a source in their
AppConfig.ready(), so the registry never imports them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from tonle.accounts.models import User
from tonle.people.models import Participant


@dataclass(frozen=True)
class TimelineEntry:
    date: dt.date
    kind: str  # a translated label, e.g. "Training"
    title: str
    detail: str = ""
    url: str = ""


TimelineSource = Callable[[Participant, User], list[TimelineEntry]]
_sources: list[TimelineSource] = []


def register_timeline_source(source: TimelineSource) -> None:
    if source not in _sources:
        _sources.append(source)


def participant_timeline(*, participant: Participant, user: User) -> list[TimelineEntry]:
    """Everything about her, newest first; each source applies the user's own rights."""
    entries = [entry for source in _sources for entry in source(participant, user)]
    return sorted(entries, key=lambda entry: entry.date, reverse=True)
