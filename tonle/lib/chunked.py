"""Request bodies sent chunked (no Content-Length), made readable by Django, up to a limit.

ODK Collect may stream a submission with Transfer-Encoding: chunked. gunicorn undoes the
chunking but, having no length to give, sets no CONTENT_LENGTH, and Django then reads an
empty body: the submission would be lost. This wrapper reads such a body (at most
TONLE_COLLECT_MAX_BODY_BYTES, the largest Tonle accepts) into a spooled file and gives
Django its length; a longer one is marked for the view to refuse with 413. A server that
does not undo the chunking (Django's runserver) gets 411, so nothing is read as garbage.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings

TOO_LARGE = "tonle.body_too_large"  # the environ key a view reads
_PIECE = 64 * 1024


class ChunkedBodies:
    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            if not environ.get("wsgi.input_terminated"):
                start_response("411 Length Required", [("Content-Type", "text/plain")])
                return [b"Send a Content-Length."]
            self._read_whole(environ, settings.TONLE_COLLECT_MAX_BODY_BYTES)
        return self.app(environ, start_response)

    @staticmethod
    def _read_whole(environ: dict[str, Any], limit: int) -> None:
        body = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 (Django reads it later)
        size = 0
        while piece := environ["wsgi.input"].read(_PIECE):
            size += len(piece)
            if size > limit:
                environ[TOO_LARGE] = True
                body.close()
                environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(), "0"
                return
            body.write(piece)
        body.seek(0)
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = body, str(size)
