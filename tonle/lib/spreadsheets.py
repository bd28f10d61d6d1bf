"""Tables as XLSX and CSV: bold header row, numbers formatted, and no cell a spreadsheet runs."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import xlsxwriter
from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets
# (OWASP "CSV injection"): a woman named =HYPERLINK(...) must stay a name.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    name: str
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()
    money_columns: Sequence[int] = ()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def cell_text(value: Any) -> str:
    """A cell's text, with a quote in front when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any) -> Any:
    return value if _is_number(value) else cell_text(value)


def xlsx_workbook(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one sheet per table: numbers as numbers, everything else as text."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
         "strings_to_numbers": False},
    )  # fmt: skip
    bold = book.add_format({"bold": True, "bg_color": "#e8eef5", "border": 1})
    money = book.add_format({"num_format": "#,##0"})
    for table in sheets:
        sheet = book.add_worksheet(table.name[:31])
        for column, header in enumerate(table.headers):
            sheet.write_string(0, column, cell_text(header), bold)
        for number, row in enumerate(table.rows, start=1):
            for column, value in enumerate(row):
                if _is_number(value):
                    style = money if column in table.money_columns else None
                    sheet.write_number(number, column, float(value), style)
                elif value is None or value == "":
                    sheet.write_blank(number, column, None)
                else:
                    sheet.write_string(number, column, cell_text(value))
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
    return xlsx_download(
        filename=filename, sheets=[Sheet(sheet_name, headers, rows, widths, money_columns)]
    )


def xlsx_download(*, filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    response = HttpResponse(xlsx_workbook(sheets), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def csv_write(
    stream: _Writable, *, headers: Sequence[Any], rows: Iterable[Sequence[Any]],
    lineterminator: str = "\r\n",
) -> None:  # fmt: skip
    """A table as CSV into any stream, formulas neutralised as in the workbooks."""
    writer = csv.writer(stream, lineterminator=lineterminator)
    writer.writerow([cell_text(header) for header in headers])
    writer.writerows([_cell(value) for value in row] for row in rows)


def csv_response(
    *, filename: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A table as a CSV download."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that spreadsheet programs read the Khmer as UTF-8
    csv_write(response, headers=headers, rows=rows)
    return response
