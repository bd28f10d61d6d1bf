"""A table as an XLSX download: bold header row, frozen under it, columns sized, numbers formatted."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter
from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    *,
    filename: str,
    sheet_name: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] = (),
    money_columns: Sequence[int] = (),
) -> HttpResponse:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(sheet_name[:31])
    bold = book.add_format({"bold": True, "bg_color": "#e8eef5", "border": 1})
    money = book.add_format({"num_format": "#,##0"})
    sheet.write_row(0, 0, [str(header) for header in headers], bold)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if column in money_columns and isinstance(value, int | float):
                sheet.write_number(number, column, value, money)
            else:
                sheet.write(number, column, value)
    sheet.freeze_panes(1, 0)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    book.close()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
