"""Writes for incoming data: store an upload's rows as they arrived, record each row's fate."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from tonle.accounts.models import User
from tonle.collect.models import IncomingRow, RowStatus, Upload
from tonle.collect.sheets import Sheet


def upload_store(
    *, by: User | None, kind: str, target: dict[str, Any], file_name: str, data: bytes, sheet: Sheet
) -> Upload:
    """Keep every row before any is applied, so nothing that arrived can be lost."""
    with transaction.atomic():
        upload = Upload.objects.create(
            kind=kind,
            target=target,
            file_name=file_name[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=by,
            headers=sheet.headers,
        )
        IncomingRow.objects.bulk_create(
            [IncomingRow(upload=upload, number=number, data=row) for number, row in sheet.rows],
            batch_size=1000,
        )
    return upload


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
