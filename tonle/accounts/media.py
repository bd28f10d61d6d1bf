"""Uploaded files (photos) served only after the record's own scope check; a refusal is a 404."""

from __future__ import annotations

import mimetypes

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest

from tonle.accounts.guards import NotInScope


def media_response(
    request: HttpRequest, *, name: str, allowed: bool, record_type: str, record_id: object
) -> FileResponse:
    """The stored file `name` if the reader may see its record. A refusal gets the same answer
    as a file that does not exist (so ids cannot be probed); the refusal middleware logs both."""
    if not (allowed and name and default_storage.exists(name)):
        raise NotInScope(record_type=record_type, record_id=record_id)
    kind, _encoding = mimetypes.guess_type(name)
    response = FileResponse(default_storage.open(name, "rb"),
                            content_type=kind or "application/octet-stream")  # fmt: skip
    # Kept by the reader's browser only, never by a shared cache between them.
    response["Cache-Control"] = "private, max-age=3600"
    return response
