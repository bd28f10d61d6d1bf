"""Reading CSV and XLSX sheets into rows of text, refusing files that are not sheets."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

# A worksheet's XML packs about ten to one; a hundred to one is a file made to blow up.
MAX_RATIO = 100


class SheetError(ValueError):
    """The file as a whole cannot be read; nothing of it is stored."""


@dataclass(frozen=True)
class SheetRow:
    number: int  # as the spreadsheet shows it, the header row being 1
    data: dict[str, str]  # named header -> text: what is applied
    cells: list[str]  # every cell as it arrived, under blank or repeated headers and beyond them


@dataclass(frozen=True)
class Sheet:
    headers: list[str]  # the header row as it arrived, blank and repeated headers included
    rows: list[SheetRow]


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


def _table_from_csv(data: bytes) -> Iterator[list[str]]:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return ([cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect))


def unpacked_size_check(data: bytes) -> None:
    """Refuse a zip that would unpack to more than TONLE_MAX_UNPACKED_BYTES, or whose parts
    shrank suspiciously (a zip bomb), from its directory alone, before anything is unpacked."""
    too_big = SheetError(
        _("The spreadsheet unpacks to more than %(limit)s MB: split it into smaller sheets.")
        % {"limit": settings.TONLE_MAX_UNPACKED_BYTES // 1_048_576}
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as packed:
            parts = packed.infolist()
    except (zipfile.BadZipFile, ValueError) as broken:
        raise SheetError(_("The spreadsheet could not be opened: it may be damaged.")) from broken
    if sum(part.file_size for part in parts) > settings.TONLE_MAX_UNPACKED_BYTES:
        raise too_big
    for part in parts:
        if part.file_size > 1_048_576 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise too_big


def _table_from_xlsx(data: bytes) -> Iterator[list[str]]:
    if data.startswith(b"PK"):  # XLSX and ODS are zips; the old binary XLS is not
        unpacked_size_check(data)
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        for row in sheet.iter_rows():
            yield [_cell_text(cell) for cell in row]
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
    most = settings.TONLE_MAX_SHEET_ROWS
    # One row more than the limit is read, to know there are more; the rest never is.
    read = list(islice(table, most + 1))
    if len(read) > most:
        raise SheetError(
            _("The sheet has more than %(limit)s rows: split it into smaller sheets.")
            % {"limit": most}
        )
    numbered = [(number, row) for number, row in enumerate(read, start=1) if any(row)]
    if not numbered:
        raise SheetError(_("The file is empty."))
    (_header_number, header_row), body = numbered[0], numbered[1:]
    headers = [header.strip() for header in header_row]
    if not body:
        raise SheetError(_("The sheet has a header row but no rows under it."))
    rows = [
        SheetRow(
            number=number,
            data={h: (row[i] if i < len(row) else "") for i, h in enumerate(headers) if h},
            cells=_without_trailing_blanks(row),
        )
        for number, row in body
    ]
    return Sheet(headers=_without_trailing_blanks(headers), rows=rows)


def _without_trailing_blanks(cells: list[str]) -> list[str]:
    """A spreadsheet pads its rows with empty cells to its widest row; those are not data."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]
