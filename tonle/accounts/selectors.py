"""Reads of the access log, filtered as an administrator asks."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from tonle.accounts.models import AccessLog


def access_log_entries(
    *,
    username: str = "",
    action: str = "",
    record_type: str = "",
    record_id: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AccessLog]:
    """The log, newest first, narrowed by who, what was done, to which record and when."""
    wanted = {
        "user__username": username,
        "action": action,
        "record_type": record_type,
        "record_id": record_id,
        "at__date__gte": since,
        "at__date__lte": until,
    }
    return AccessLog.objects.select_related("user").filter(
        **{lookup: value for lookup, value in wanted.items() if value}
    )
