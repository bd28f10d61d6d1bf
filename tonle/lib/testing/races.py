"""Run the same write from several threads at once, each on its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Start every call together (a barrier), each in its own thread and connection; return
    what each returned or raised, in order. Used to prove that two people racing on one
    record meet a lock, not a 500."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(number: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[number] = call()
        except Exception as raised:  # the test reads what was raised
            outcomes[number] = raised
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _shared_memory_sqlite() -> bool:
    """SQLite's in-memory test database shares one cache between connections: a second
    writer is told "table is locked" at once instead of waiting its turn, so two threads
    cannot race there as they do on PostgreSQL or on an SQLite file."""
    test_name = connection.settings_dict.get("TEST", {}).get("NAME")
    return connection.vendor == "sqlite" and (not test_name or ":memory:" in str(test_name))


def needs_waiting_connections(test: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a threaded race test: it runs where one connection waits for another's lock."""
    import pytest

    return pytest.mark.skipif(
        _shared_memory_sqlite(),
        reason="in-memory SQLite refuses a second writer instead of queueing it; "
        "the stale-object tests prove the same rule there",
    )(test)
