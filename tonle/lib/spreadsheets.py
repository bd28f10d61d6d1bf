"""Tables as XLSX: bold header row, frozen under it, columns sized, numbers formatted."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    name: str
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()
    money_columns: Sequence[int] = ()


def xlsx_workbook(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one sheet per table."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#e8eef5", "border": 1})
    money = book.add_format({"num_format": "#,##0"})
    for table in sheets:
        sheet = book.add_worksheet(table.name[:31])
        sheet.write_row(0, 0, [str(header) for header in table.headers], bold)
        for number, row in enumerate(table.rows, start=1):
            for column, value in enumerate(row):
                if column in table.money_columns and isinstance(value, int | float):
                    sheet.write_number(number, column, value, money)
                else:
                    sheet.write(number, column, value)
        sheet.freeze_panes(1, 0)
        for column, width in enumerate(table.widths):
            sheet.set_column(column, column, width)
    book.close()
    return buffer.getvalue()


def xlsx_response(
    *,
    filename: str,
    sheet_name: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] = (),
    money_columns: Sequence[int] = (),
) -> HttpResponse:
    sheet = Sheet(sheet_name, headers, rows, widths, money_columns)
    response = HttpResponse(xlsx_workbook([sheet]), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
