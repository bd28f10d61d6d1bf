"""What a remote server hands over: one record as it arrived, its attachments, and its errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.translation import gettext, gettext_noop

from tonle.collect.instances import moment_with_offset

Source = Literal["kobo", "central"]


@dataclass(frozen=True)
class RemoteAttachment:
    """A file sent with a record; its bytes are fetched only when `fetch()` is called."""

    name: str  # the file name the record's answers refer to, e.g. "1712345678.jpg"
    mime_type: str  # as the server states it ("" when it states none)
    url: str  # where the bytes are (already authenticated by `fetch`)
    fetch: Callable[[], bytes] = field(repr=False, compare=False)


@dataclass(frozen=True)
class RemoteRecord:
    """One version of one submission, exactly as the remote server served it.

    An edit is a record of its own: a new `instance_id`, the same `root_uuid`, and
    `deprecated_id` naming the version it replaces, so the versions chain as in OpenRosa.
    """

    source: Source
    form_id: str  # Kobo asset uid / Central xmlFormId
    remote_id: str  # Kobo `_id` / Central's logical submission id (`__id`)
    instance_id: str  # meta/instanceID of this version ("uuid:...")
    root_uuid: str  # meta/rootUuid: the first version's instanceID, the same for every edit
    deprecated_id: str  # meta/deprecatedID: the version this one replaces ("" if none)
    submitted_at: dt.datetime  # when the server received this version; aware
    content: bytes  # Central: the submission XML; Kobo: the record's JSON object, as served
    content_type: str  # "application/xml" or "application/json"
    attachments: tuple[RemoteAttachment, ...] = ()
    modified_at: dt.datetime | None = None  # the server's last change of the submission, if told
    project_id: str = ""  # Central project id ("" for Kobo, whose assets are not in projects)


@dataclass(frozen=True)
class RemoteEntity:
    """One entity of an ODK Central entity list (dataset), in its current version."""

    project_id: str
    dataset: str
    uuid: str
    label: str
    version: int
    properties: dict[str, Any]
    created_at: dt.datetime
    modified_at: dt.datetime | None
    content: bytes  # the OData row's JSON, as served


class RemoteError(Exception):
    """A remote server could not be read; the message says why, in the reader's language.

    The message is translated when it is read (`str(error)` or `.message`), not when raised,
    so a background import stores the error and each page shows it in its reader's language.
    `code` names the kind for code that must tell them apart.
    """

    template = gettext_noop("%(server)s could not be read: %(detail)s")
    code = "unreadable"

    def __init__(self, *, server: str, detail: str = "", **params: object) -> None:
        self.params: dict[str, object] = {"server": server, "detail": detail, **params}
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return gettext(self.template) % self.params

    def __str__(self) -> str:
        return self.message


class RemoteAuthError(RemoteError):
    template = gettext_noop(
        "%(server)s refused the sign-in (HTTP %(status)s): check the token, or the email "
        "and password, and that this account may read the project."
    )
    code = "auth"


class RemoteNotFound(RemoteError):
    template = gettext_noop(
        "%(server)s has nothing at %(path)s (HTTP 404): check the project or form."
    )
    code = "not_found"


class RemoteUnavailable(RemoteError):
    template = gettext_noop(
        "%(server)s did not answer properly (%(detail)s), even after %(attempts)s tries. "
        "Nothing was lost: run the import again later."
    )
    code = "unavailable"


class RemoteMalformed(RemoteError):
    template = gettext_noop(
        "%(server)s sent an answer that is not what its API documents at %(path)s: %(detail)s"
    )
    code = "malformed"


def parse_remote_time(text: str, *, naive: dt.tzinfo = dt.UTC) -> dt.datetime:
    """An ISO 8601 time as a remote server or a form writes it, with its offset kept.

    Accepts "Z", "+07:00", "+0700" and "-04"; a time without offset is taken in `naive`
    (Kobo writes `_submission_time` in UTC without saying so). Raises ValueError.
    """
    moment = moment_with_offset(text, naive=naive)
    if moment is None:
        raise ValueError(f"not a time: {text!r}")
    return moment
