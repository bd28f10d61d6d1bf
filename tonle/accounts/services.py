"""Writes for accounts: the log of reads of restricted records and of refused attempts."""

from __future__ import annotations

from tonle.accounts.models import AccessAction, AccessLog, User


def access_log(
    *, user: User | None, action: str, record_type: str, record_id: object, path: str = ""
) -> AccessLog:
    """Keep one line in the access log: who read or was refused which record, and where."""
    return AccessLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=AccessAction(action),
        record_type=record_type,
        record_id=str(record_id)[:40],  # the column's width: a long id typed by hand is cut
        path=path[:300],
    )
