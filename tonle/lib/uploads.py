"""Uploads stopped while they stream in: a file over the limit is never held, in memory or on disk."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.translation import gettext as _

TOO_LARGE = "tonle_uploads_too_large"  # the request's attribute: field names of refused files


class UploadLimitHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: counts a file's bytes as they arrive and drops the file the
    moment it passes TONLE_MAX_UPLOAD_BYTES, before the handlers that keep it see the excess.

    The rest of the request is still read, so the form's other fields arrive and the page can
    say why the file is missing.
    """

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.TONLE_MAX_UPLOAD_BYTES:
            refused = getattr(self.request, TOO_LARGE, set())
            refused.add(self.field_name)
            setattr(self.request, TOO_LARGE, refused)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler keeps the file


def upload_limit_text() -> str:
    return _("The file is larger than %(limit)s MB.") % {
        "limit": f"{settings.TONLE_MAX_UPLOAD_BYTES / 2**20:g}"
    }


def too_large_marked(request: HttpRequest, *forms: BaseForm) -> bool:
    """Say on each form that a file it expected was too large, rather than missing.

    Call before `is_valid()`; a form with such a field is then invalid. True if any was marked.
    """
    refused: set[str] = getattr(request, TOO_LARGE, set())
    marked = False
    for form in forms:
        for name in form.fields:
            if form.add_prefix(name) in refused:
                errors: Any = form.errors  # cleans the form, so its "required" can be replaced
                errors[name] = form.error_class([upload_limit_text()])
                form.cleaned_data.pop(name, None)
                marked = True
    return marked
