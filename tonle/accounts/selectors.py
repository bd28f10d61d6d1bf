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
    entries = AccessLog.objects.select_related("user")
    if username:
        entries = entries.filter(user__username=username)
    if action:
        entries = entries.filter(action=action)
    if record_type:
        entries = entries.filter(record_type=record_type)
    if record_id:
        entries = entries.filter(record_id=record_id)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries
