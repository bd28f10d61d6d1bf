"""Clients that read whole KoboToolbox and ODK Central projects, record by record, as served."""

from tonle.collect.remote.records import (
    RemoteAttachment,
    RemoteEntity,
    RemoteError,
    RemoteRecord,
    parse_remote_time,
)

__all__ = [
    "RemoteAttachment",
    "RemoteEntity",
    "RemoteError",
    "RemoteRecord",
    "parse_remote_time",
]
