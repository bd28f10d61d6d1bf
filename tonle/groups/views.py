"""Pages for Smart Women groups."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tonle.accounts.decorators import names_required
from tonle.groups.selectors import group_get_for_user, group_list, group_members


@require_GET
@names_required
def groups(request: HttpRequest) -> HttpResponse:
    return render(request, "groups/list.html", {"groups": group_list(user=request.user)})


@require_GET
@names_required
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group = group_get_for_user(user=request.user, group_id=group_id)
    return render(
        request,
        "groups/detail.html",
        {"group": group, "memberships": group_members(group=group, user=request.user)},
    )
