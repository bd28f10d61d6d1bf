"""Uploaded files (photos) served only after the record's own scope check; a refusal is a 404."""

from __future__ import annotations

import mimetypes

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest

from tonle.accounts.models import AccessAction
from tonle.accounts.services import access_log


def media_response(
    request: HttpRequest, *, name: str, allowed: bool, record_type: str, record_id: object
) -> FileResponse:
    """The stored file `name` if the reader may see its record. A refusal gets the same answer
    as a file that does not exist (so ids cannot be probed), and is logged."""
    if not allowed:
        access_log(user=request.user, action=AccessAction.REFUSED, record_type=record_type,
                   record_id=record_id, path=request.get_full_path())  # fmt: skip
        raise Http404
    if not name or not default_storage.exists(name):
        raise Http404
    kind, _encoding = mimetypes.guess_type(name)
    response = FileResponse(default_storage.open(name, "rb"),
                            content_type=kind or "application/octet-stream")  # fmt: skip
    # Kept by the reader's browser only, never by a shared cache between them.
    response["Cache-Control"] = "private, max-age=3600"
    return response
