"""The access log page: who read, exported or was refused which restricted record; and its export."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tonle.accounts.decorators import administrator_required
from tonle.accounts.forms import AccessLogFilter
from tonle.accounts.models import AccessAction
from tonle.accounts.selectors import access_log_entries
from tonle.accounts.services import access_log
from tonle.lib.paging import page_of
from tonle.lib.spreadsheets import xlsx_response

PAGE_SIZE = 100


@require_GET
@administrator_required
def access_log_page(request: HttpRequest) -> HttpResponse:
    form = AccessLogFilter(request.GET or None)
    wanted = form.cleaned_data if form.is_valid() else {}
    entries = access_log_entries(**{k: v for k, v in wanted.items() if v})
    if request.GET.get("format") == "xlsx":
        access_log(user=request.user, action=AccessAction.EXPORT, record_type="access-log",
                   record_id="", path=request.get_full_path())  # fmt: skip
        return xlsx_response(
            filename="access-log.xlsx",
            sheet_name=_("Access log"),
            headers=[_("When"), _("Who"), _("Action"), _("Record type"), _("Record"), _("Address")],
            rows=(
                [
                    e.at.isoformat(timespec="seconds"),
                    e.user.username if e.user else "",
                    e.get_action_display(),
                    e.record_label,
                    e.record_id,
                    e.path,
                ]
                for e in entries.iterator(chunk_size=2000)
            ),
            widths=[22, 16, 12, 24, 14, 60],
        )
    page = page_of(request, entries, per_page=PAGE_SIZE)
    return render(
        request,
        "accounts/access_log.html",
        {"page": page, "form": form, "query": page.query.urlencode()},
    )
