"""Writes and outputs of reports: the sections an M&E manager edits, the PDF of a report."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import override
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from tonle.lib.spreadsheets import Sheet, xlsx_workbook
from tonle.reports.models import IssuedReport
from tonle.reports.rendering import RenderedReport, activity_rows, people_annex, period_text


class LocalFiles(URLFetcher):
    """What WeasyPrint may read: the project's own media files and data: URIs, no network."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["file", "data"])

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        media = Path(settings.MEDIA_ROOT).resolve()
        if url.startswith("file:") and not (
            Path(unquote(urlsplit(url).path)).resolve().is_relative_to(media)
        ):
            raise ValueError(f"Only the project's own media files may be read: {url}")
        return super().fetch(url, headers)


def report_html(*, report: RenderedReport, issued: IssuedReport | None = None) -> str:
    """The report as one standalone page for print: cover, contents, sections."""
    template = report.template
    with override(report.language):
        return render_to_string(
            "reports/print.html",
            {
                "report": report,
                "issued": issued,
                "for_print": True,
                "period": period_text(template.starts_on, template.ends_on),
            },
        )


def report_pdf(*, report: RenderedReport, issued: IssuedReport | None = None) -> bytes:
    """The report as an A4 PDF (WeasyPrint; Pango shapes the Khmer)."""
    html = report_html(report=report, issued=issued)
    return HTML(string=html, base_url="/", url_fetcher=LocalFiles()).write_pdf()


def report_tables(*, report: RenderedReport) -> list[Sheet]:
    """The indicator table and the annexes, as tables (one sheet or CSV file each)."""
    with override(report.language):
        indicators = Sheet(
            _("Indicators"),
            [
                _("Code"),
                _("Level"),
                _("Indicator"),
                _("Unit"),
                _("Baseline"),
                _("Target"),
                _("Achieved"),
            ],
            [
                [
                    i.indicator.code,
                    i.indicator.get_level_display(),
                    i.indicator.name,
                    i.indicator.get_unit_display(),
                    _plain(i.indicator.baseline),
                    _plain(i.target),
                    i.error or _plain(i.value),
                ]
                for i in report.indicators
                if i.indicator.definition
            ],
            widths=[14, 10, 60, 10, 10, 10, 12],
        )
        activities = Sheet(
            _("Activities"),
            [_("Date"), _("Activity"), _("Type"), _("Topic"), _("Community"), _("Attendees")],
            [
                [
                    a.date.isoformat(),
                    a.title,
                    a.activity_type.name,
                    a.topic.name if a.topic else "",
                    a.village.name if a.village else "",
                    a.attendees,
                ]
                for a in activity_rows(report.template)
            ],
            widths=[12, 50, 16, 20, 24, 10],
        )
        people = Sheet(
            _("Participants"),
            [_("No."), _("Community"), _("Age"), _("Activities attended")],
            [[n, *row] for n, row in enumerate(people_annex(report.template), start=1)],
            widths=[8, 28, 16, 18],
        )
    return [indicators, activities, people]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == int(value) else float(value)
    return value


def report_xlsx(*, report: RenderedReport) -> bytes:
    """The indicator table and the annexes in one workbook."""
    return xlsx_workbook(report_tables(report=report))
