"""The background worker in a test: every task waiting in the queue, run now, then stop."""

from __future__ import annotations

import io

from django.core.management import call_command


def tasks_run() -> None:
    """What the worker does (django-tasks' db_worker), until no task waits."""
    call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip
