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
    headers = models.JSONField(_("columns"), default=list)

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
    data = models.JSONField(_("as it arrived"))  # never changed after it is stored
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
