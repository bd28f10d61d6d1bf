"""An upload and its rows: the raw inbox that record apps apply from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Upload(models.Model):
    kind = models.CharField(_("kind"), max_length=40)
    # What the rows are for, e.g. {"activity": 12}; read by the app that applies them.
    target = models.JSONField(_("for"), default=dict)
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    headers = models.JSONField(_("columns"), default=list)  # the header row as it arrived
    # The file itself, as it arrived, in a folder the web server does not serve: it is only
    # given out by a view that checks the reader may see the upload.
    file = models.FileField(
        _("file as it arrived"), upload_to="private/uploads/%Y/%m/", max_length=255, blank=True
    )

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["kind", "uploaded_at"])]


class RowStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Needs correction")


class IncomingRow(models.Model):
    upload = models.ForeignKey(
        Upload, on_delete=models.CASCADE, related_name="rows", verbose_name=_("upload")
    )
    number = models.PositiveIntegerField(_("row"))  # as a spreadsheet numbers it, header = 1
    data = models.JSONField(_("as it arrived"))  # named header -> text; never changed
    # Every cell of the row in its place, under blank or repeated headers and beyond the last
    # header too; never changed.
    cells = models.JSONField(_("cells as they arrived"), default=list, blank=True)
    corrections = models.JSONField(_("corrections"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RowStatus.choices, default=RowStatus.PENDING
    )
    errors = models.JSONField(_("errors"), default=dict, blank=True)  # field -> message
    result = models.CharField(_("result"), max_length=200, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incoming row")
        verbose_name_plural = _("incoming rows")
        ordering = ["upload", "number"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "number"], name="row_number_unique")
        ]
        indexes = [models.Index(fields=["upload", "status"])]

    def as_arrived(self, headers: list[str]) -> list[tuple[str, str]]:
        """(header, cell) for every cell the row arrived with, in order; a cell beyond the
        header row, or under a blank header, is shown under its column letter."""
        cells = self.cells or [self.data.get(header, "") for header in headers]
        return [
            (headers[i] if i < len(headers) and headers[i] else _column_letter(i), cell)
            for i, cell in enumerate(cells)
        ]


def _column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, left = divmod(index - 1, 26)
        letters = chr(ord("A") + left) + letters
    return letters
