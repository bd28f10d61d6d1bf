"""Every refusal, from any view, written to the access log in one place."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from tonle.accounts.guards import NotInScope
from tonle.accounts.models import RECORD_TYPES, AccessAction
from tonle.accounts.services import access_log


def _record_of_page(request: HttpRequest) -> tuple[str, object]:
    """The record a refused page is about, from its URL: /people/<participant_id>/ -> participant."""
    kwargs = request.resolver_match.kwargs if request.resolver_match else {}
    for name, value in kwargs.items():
        kind = name.removesuffix("_id")
        return (kind if kind in RECORD_TYPES else "page"), value
    return "page", ""


class RefusalLogMiddleware:
    """Logs a PermissionDenied (403) or an Http404 raised by a view, then lets Django answer.

    A view, a decorator or a selector only raises; nothing else needs to remember to log.
    A guarded lookup's NotInScope names the record; any other 403 or 404 (a bad month, an
    unknown figure) is logged against the page and its first id, as a probe may be.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotInScope):
            record_type, record_id = exception.record_type, exception.record_id
        elif isinstance(exception, PermissionDenied | Http404):
            record_type, record_id = _record_of_page(request)
        else:
            return None
        access_log(
            user=request.user,
            action=AccessAction.REFUSED,
            record_type=record_type,
            record_id=record_id,
            path=request.get_full_path(),
        )
        return None
