"""Which statements of a captured request wrote: for tests that prove a read writes nothing."""

from __future__ import annotations

import re

from django.test.utils import CaptureQueriesContext

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b|\bFOR\s+(NO\s+KEY\s+)?UPDATE\b", re.I)
# A request's own bookkeeping, the only rows a reader writes: the access log (who opened
# whose record, and every refusal) and her session row, written again every few minutes to
# keep her signed in while she works (accounts/sessions.py).
ALLOWED = [
    re.compile(r'^\s*INSERT INTO "accounts_accesslog"', re.I),
    re.compile(r'^\s*(INSERT INTO|UPDATE) "django_session"', re.I),
]


def writes_of(queries: CaptureQueriesContext) -> list[str]:
    """The statements that wrote (or locked rows to write), bar the bookkeeping allowed."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if WRITE.search(query["sql"]) and not any(a.search(query["sql"]) for a in ALLOWED)
    ]
