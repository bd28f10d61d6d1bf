"""Writes for incoming data: store an upload's rows as they arrived, record each row's fate."""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tonle.accounts.models import User
from tonle.collect.models import IncomingRow, RowStatus, Upload
from tonle.collect.sheets import Sheet


def upload_store(
    *, by: User | None, kind: str, target: dict[str, Any], file_name: str, data: bytes, sheet: Sheet
) -> Upload:
    """Keep the file and every row, cell by cell, before any is applied, so nothing that
    arrived can be lost."""
    upload = Upload(
        kind=kind,
        target=target,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
        headers=sheet.headers,
    )
    # The file is written first; if the rows then cannot be stored, it is removed again.
    upload.file.save(_stored_name(file_name), ContentFile(data), save=False)
    try:
        with transaction.atomic():
            upload.save()
            IncomingRow.objects.bulk_create(
                [
                    IncomingRow(upload=upload, number=row.number, data=row.data, cells=row.cells)
                    for row in sheet.rows
                ],
                batch_size=1000,
            )
    except BaseException:
        upload.file.delete(save=False)
        raise
    return upload


def _stored_name(file_name: str) -> str:
    """The name on disk: the sheet's own (the storage makes it safe and unique)."""
    return PurePath(file_name.replace("\\", "/")).name[-100:] or "sheet"


def row_mark_applied(*, row: IncomingRow, result: str) -> None:
    row.status = RowStatus.APPLIED
    row.errors = {}
    row.result = result[:200]
    row.applied_at = timezone.now()
    row.save(update_fields=["status", "errors", "result", "applied_at"])


def row_mark_failed(*, row: IncomingRow, errors: dict[str, str]) -> None:
    row.status = RowStatus.FAILED
    row.errors = errors
    row.save(update_fields=["status", "errors"])


def row_correct(*, row: IncomingRow, corrections: dict[str, str]) -> IncomingRow:
    """Corrections sit beside the original; the row as it arrived stays untouched."""
    if row.status == RowStatus.APPLIED:
        raise ValueError("an applied row is not corrected")
    row.corrections = {k: v for k, v in corrections.items() if v != row.data.get(k, "")}
    row.status = RowStatus.PENDING
    row.save(update_fields=["corrections", "status"])
    return row
