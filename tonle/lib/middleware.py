"""Messages of an htmx action shown in the answer to that action, not on some later page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

# The answers after which htmx loads another page anyway: that page shows the messages.
_PAGE_CHANGES = ("HX-Redirect", "HX-Location", "HX-Refresh")


class HtmxMessagesMiddleware:
    """Adds the messages an htmx request left to its answer, swapped out of band into #messages.

    A fragment (the attendee list, say) has no place for "registered and marked present", so
    the message waited in the session for the next full page, the dashboard. The full page
    renders the same region (`includes/messages.html`) and consumes them itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        if (
            not htmx
            or htmx.boosted
            or response.status_code != 200
            or response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or any(header in response for header in _PAGE_CHANGES)
        ):
            return response
        storage = messages.get_messages(request)
        if storage.used:  # the answer showed them already
            return response
        pending = list(storage)
        if pending:
            response.content += render_to_string(
                "includes/messages.html", {"messages": pending, "oob": True}, request=request
            ).encode(response.charset)
        return response
