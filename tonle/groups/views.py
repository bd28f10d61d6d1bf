"""Pages for Smart Women groups."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tonle.accounts.decorators import names_required
from tonle.groups.selectors import group_get_for_user, group_list, group_members
from tonle.lib.paging import page_of


@require_GET
@names_required
def groups(request: HttpRequest) -> HttpResponse:
    groups = page_of(request, group_list(user=request.user))
    return render(request, "groups/list.html", {"groups": groups})


@require_GET
@names_required
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group = group_get_for_user(user=request.user, group_id=group_id)
    return render(
        request,
        "groups/detail.html",
        {
            "group": group,
            "memberships": page_of(request, group_members(group=group, user=request.user)),
        },
    )
