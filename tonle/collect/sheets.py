"""Reading CSV and XLSX sheets into rows of text, refusing files that are not sheets."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook


class SheetError(ValueError):
    """The file as a whole cannot be read; nothing of it is stored."""


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    rows: list[
        tuple[int, dict[str, str]]
    ]  # (row number as the spreadsheet shows it, header -> text)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        return text
    raise SheetError(
        _("The file is not in UTF-8. Save it as “CSV UTF-8” (or as XLSX) and upload it again.")
    )


def _table_from_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def _table_from_xlsx(data: bytes) -> list[list[str]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        return [[_cell_text(cell) for cell in row] for row in sheet.to_python()]
    except Exception as broken:  # calamine raises several kinds for a damaged file
        raise SheetError(_("The spreadsheet could not be opened: it may be damaged.")) from broken


def sheet_read(*, file_name: str, data: bytes) -> Sheet:
    limit = settings.TONLE_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise SheetError(
            _("The file is %(size)s MB; a sign-in sheet may be at most %(limit)s MB.")
            % {"size": round(len(data) / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)}
        )
    if not data.strip():
        raise SheetError(_("The file is empty."))
    name = file_name.lower()
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        table = _table_from_xlsx(data)
    elif name.endswith((".csv", ".txt", ".tsv")):
        table = _table_from_csv(data)
    else:
        raise SheetError(_("Upload a CSV or XLSX file."))
    numbered = [(number, row) for number, row in enumerate(table, start=1) if any(row)]
    if not numbered:
        raise SheetError(_("The file is empty."))
    (_header_number, header_row), body = numbered[0], numbered[1:]
    headers = [header.strip() for header in header_row]
    if not body:
        raise SheetError(_("The sheet has a header row but no rows under it."))
    rows = [
        (number, {h: (row[i] if i < len(row) else "") for i, h in enumerate(headers) if h})
        for number, row in body
    ]
    return Sheet(headers=headers, rows=rows)
