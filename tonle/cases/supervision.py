"""What else a supervisor follows up, from the apps further down the flow.

The supervision page lists the cases gone quiet and the follow-ups due; apps after cases
(referrals) add a section of their own by registering a source in AppConfig.ready(), so
cases never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tonle.accounts.models import User


@dataclass(frozen=True)
class SupervisionSection:
    code: str  # for tests and links: "referrals-overdue"
    title: str
    total: int
    rows: Sequence[Any]  # the first rows, the most urgent first
    template: str  # renders `rows`
    url: str = ""  # the full list, when there is one


# A source gets the supervisor and the most rows a section shows.
SupervisionSource = Callable[[User, int], SupervisionSection]
_sources: list[SupervisionSource] = []


def supervision_source_register(source: SupervisionSource) -> None:
    if source not in _sources:
        _sources.append(source)


def supervision_sections(*, user: User, rows: int) -> list[SupervisionSection]:
    return [source(user, rows) for source in _sources]
