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
    REPLACED = "replaced", _("Replaced by an edit")


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


class Form(models.Model):
    """One version of a form phones fill in: the XLSForm as uploaded and the XForm made from it.

    A new upload of the same form id is a new version; only the newest is active, and is the
    one phones download. Every version stays, for the submissions made with it.
    """

    form_id = models.CharField(_("form id"), max_length=100)  # the XForm's own id
    version = models.CharField(_("version"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=255)
    # A project of the programs app: collect knows it by id only, since the raw inbox imports
    # no record app (the project source registry gives its name and who works on it).
    project_id = models.PositiveBigIntegerField(_("project"), db_index=True)
    xlsform = models.FileField(
        _("XLSForm as uploaded"), upload_to="private/forms/%Y/%m/", max_length=255
    )
    xlsform_name = models.CharField(_("file"), max_length=255)
    xml = models.TextField(_("XForm"))
    md5 = models.CharField(_("MD5 hash"), max_length=32)  # of the XForm as phones download it
    # Media files the XForm refers to (jr://file/..., jr://file-csv/...), served by name.
    media = models.JSONField(_("media files"), default=list, blank=True)
    # pyxform's external choices (select_one_external), kept as the CSV phones download.
    itemsets = models.TextField(_("external choices"), blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("form")
        verbose_name_plural = _("forms")
        ordering = ["title", "form_id", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["form_id", "version"], name="form_version_unique"),
            models.UniqueConstraint(
                fields=["form_id"], condition=models.Q(active=True), name="one_active_form_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.form_id} {self.version})".strip()


class Submission(models.Model):
    """One filled form, as the phone sent it; the record apps apply it later.

    An edit (its XML names the submission it replaces in meta/deprecatedID) is a new
    submission in the same chain: all versions share `root_id`, and `previous` links each to
    the one it replaces once both have arrived, in whichever order they came.
    """

    form = models.ForeignKey(
        Form, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("form")
    )
    instance_id = models.CharField(_("instance id"), max_length=100, unique=True)
    deprecated_id = models.CharField(_("replaces"), max_length=100, blank=True, db_index=True)
    root_id = models.CharField(_("first version"), max_length=100, db_index=True)
    # Two phones may edit the same version: the chain can branch, so this is not one-to-one.
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="edits",
        verbose_name=_("earlier version"),
    )
    xml = models.BinaryField(_("XML as it arrived"))  # the bytes, never changed nor re-encoded
    xml_sha256 = models.CharField(_("checksum"), max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    # When she filled it in, as the phone wrote it (with its offset: "2026-11-30T09:12:00.000+07:00")
    # and the same instant in UTC, so neither the local time nor the instant is lost.
    started_text = models.CharField(_("started (as written)"), max_length=40, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_text = models.CharField(_("ended (as written)"), max_length=40, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # Collect sends a large submission over several requests; it says which is not the last.
    complete = models.BooleanField(_("all attachments arrived"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RowStatus.choices, default=RowStatus.PENDING
    )
    errors = models.JSONField(_("errors"), default=dict, blank=True)  # field -> message
    corrections = models.JSONField(_("corrections"), default=dict, blank=True)  # field -> value
    result = models.CharField(_("result"), max_length=200, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    # The language of whoever sent it, or last corrected or applied it again: its reasons per
    # field are written in it, for her to read.
    language = models.CharField(_("language"), max_length=10, blank=True)
    # The mapping version that applied it (or last tried to), so a change of mapping can be
    # told apart from what was applied before it.
    mapping = models.ForeignKey(
        "FormMapping",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("mapping"),
    )

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["form", "status"]),
            models.Index(fields=["status", "received_at"]),
        ]

    def __str__(self) -> str:
        return self.instance_id

    @property
    def started_offset(self) -> str:
        """The phone's offset from UTC as it wrote it ("+07:00", "-04"), or ""."""
        return _offset_of(self.started_text)


class FormMapping(models.Model):
    """Which of Tonle's records a form version feeds, and from which of its fields: numbered,
    never changed; a change of mapping is a new number, and the form's submissions are
    applied again with it.

    `kinds` is {kind: {"fields": {target field: xpath}, "constants": {target field: value}}},
    a kind being an applier's name in the registry (e.g. "programs.attendance").
    """

    form = models.ForeignKey(
        Form, on_delete=models.CASCADE, related_name="mappings", verbose_name=_("form")
    )
    number = models.PositiveIntegerField(_("mapping version"))
    kinds = models.JSONField(_("what it records"), default=dict)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    made_at = models.DateTimeField(_("made at"), default=timezone.now)

    class Meta:
        verbose_name = _("form mapping")
        verbose_name_plural = _("form mappings")
        ordering = ["form", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="form_mapping_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.form} #{self.number}"


class AppliedRecord(models.Model):
    """A record a submission made when it was applied, so that it can be undone exactly once
    before its chain is applied again (named by app and model: collect imports no record app)."""

    submission = models.ForeignKey(
        Submission,
        on_delete=models.PROTECT,
        related_name="applied_records",
        verbose_name=_("submission"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    app_label = models.CharField(_("app"), max_length=60)
    model = models.CharField(_("model"), max_length=60)
    object_id = models.PositiveBigIntegerField(_("record"))

    class Meta:
        verbose_name = _("applied record")
        verbose_name_plural = _("applied records")
        ordering = ["submission", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["app_label", "model", "object_id"], name="applied_record_once"
            )
        ]


class Attachment(models.Model):
    """A file sent with a submission (a photo, a signature), kept as it arrived."""

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("submission"),
    )
    name = models.CharField(_("name"), max_length=255)  # as the phone named it in the XML
    file = models.FileField(_("file"), upload_to="private/submissions/%Y/%m/", max_length=255)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("checksum"), max_length=64)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["submission", "name"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "name"], name="attachment_name_unique")
        ]


class PhoneCredential(models.Model):
    """A user's phone password, for ODK Collect: kept only as the Digest HA1 of it.

    HTTP Digest needs md5(username:realm:password) on the server, which Django's salted
    password hash cannot give; so the phone has a password of its own, set on its own page,
    and the web log-in password never leaves the browser.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="phone_credential",
        verbose_name=_("user"),
    )
    ha1 = models.CharField(_("digest"), max_length=32)  # md5(username:realm:password), hex
    realm = models.CharField(_("realm"), max_length=100)  # the realm the digest was made for
    set_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("phone password")
        verbose_name_plural = _("phone passwords")


def _offset_of(text: str) -> str:
    """The offset at the end of an ISO time as written: "+07:00", "-04", "Z", or ""."""
    if len(text) < 11 or "T" not in text:
        return ""
    clock = text.split("T", 1)[1]
    if clock.endswith("Z"):
        return "Z"
    for sign in "+-":
        if sign in clock:
            return sign + clock.rsplit(sign, 1)[1]
    return ""
