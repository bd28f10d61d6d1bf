"""The access log page: who read or was refused which restricted record."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tonle.accounts.decorators import administrator_required
from tonle.accounts.models import AccessAction, AccessLog

PAGE_SIZE = 100


@require_GET
@administrator_required
def access_log_page(request: HttpRequest) -> HttpResponse:
    entries = AccessLog.objects.select_related("user")
    action = request.GET.get("action", "")
    if action in AccessAction.values:
        entries = entries.filter(action=action)
    username = request.GET.get("user", "").strip()
    if username:
        entries = entries.filter(user__username=username)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/access_log.html",
        {"page": page, "action": action, "username": username, "actions": AccessAction.choices},
    )
