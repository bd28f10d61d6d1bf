"""Log-in protection: the client's address behind trusted proxies, and the lockout page."""

from __future__ import annotations

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, as django-axes counts failures by it.

    Each of the TONLE_TRUSTED_PROXIES proxies appends the address it was reached from to
    X-Forwarded-For, so the client's own address is that many places from the right; what
    stands further left the client wrote itself and is not believed.
    """
    trusted = settings.TONLE_TRUSTED_PROXIES
    if trusted:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        addresses = [address.strip() for address in forwarded if address.strip()]
        if len(addresses) >= trusted:
            return addresses[-trusted]
    return request.META.get("REMOTE_ADDR")


def login_locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The page django-axes answers with while a username is locked from this address."""
    minutes = round(get_cool_off(request).total_seconds() / 60)
    return render(
        request,
        "accounts/lockout.html",
        {"minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
