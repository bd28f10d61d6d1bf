"""A read made many times while one page is computed, made once: a memo that lasts a block.

A page of figures checks the same definitions again and again (each split re-checks its
filters against the topics it names); inside `reads_once()` such a read is remembered until
the block ends. Only for reads that nothing in the block writes: outside a block, or in
another thread, every call reads afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
_MEMO: ContextVar[dict[Hashable, Any] | None] = ContextVar("tonle_memo", default=None)


@contextmanager
def reads_once() -> Iterator[None]:
    """Remember the reads made through `remembered` until the block ends."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def remembered(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, or what it gave the first time in this block."""
    memo = _MEMO.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]
