"""The public site's page cache: pages built once and read from the cache by every worker.

Whatever the public reads (posts, stories with consent, the figures of issued reports) is
built into HTML once, kept in the "public" cache (files shared by gunicorn's workers, or
Redis) and served from there, so a visitor's view never reads the records' tables. Any write
that changes what the public may read calls `public_pages_changed()`, which moves the cache to
a new generation: every page is built again from the records on its next view. That is how a
woman's withdrawn consent takes her story off the site at once, without the apps that hold the
records knowing anything of the public site.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import caches
from django.db import transaction
from django.utils.translation import get_language

_GENERATION = "generation"
T = TypeVar("T")


def _cache():  # type: ignore[no-untyped-def]
    return caches["public"]


def _generation() -> str:
    cache = _cache()
    generation = cache.get(_GENERATION)
    if generation is None:
        # add(): two workers starting a generation at once agree on one.
        cache.add(_GENERATION, secrets.token_hex(8))
        generation = cache.get(_GENERATION)
    return str(generation)


def public_cached(
    key: str, build: Callable[[], T], *, lifetime: Callable[[], float | None] | None = None
) -> T:
    """The value of `build()` for this key and the reader's language, built at most once per
    generation of the public pages. `lifetime()`, asked only when it is built, says for how
    many seconds it holds (a post scheduled for later appears at its time); None: until the
    next change."""
    cache = _cache()
    full_key = f"{_generation()}:{get_language() or 'en'}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value, lifetime() if lifetime else None)
    return value


def public_pages_changed() -> None:
    """What the public reads has changed: every public page is built again on its next view.
    Once now, and again when the change is committed: a page rebuilt in between from what was
    not yet saved is thrown away too."""

    def new_generation() -> None:
        _cache().set(_GENERATION, secrets.token_hex(8))

    new_generation()
    transaction.on_commit(new_generation)
