"""An upload and its rows: the raw inbox that record apps apply from."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
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


class ApplyQueue(models.Model):
    """A submission chain waiting to be applied, queued in the same transaction that stored or
    changed it: a worker that dies, or a server that stops between the two, loses nothing."""

    root_id = models.CharField(_("first version"), max_length=100, unique=True)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)

    class Meta:
        verbose_name = _("chain waiting to be applied")
        verbose_name_plural = _("chains waiting to be applied")

    def __str__(self) -> str:
        return self.root_id


class UnreadableSubmission(models.Model):
    """A submission refused because its XML could not be read, kept as it arrived with the
    reason it was refused, so nothing sent is lost and the phone's problem can be found."""

    body = models.BinaryField(_("as it arrived"))
    # A phone sends a refused submission again and again: it is kept once.
    sha256 = models.CharField(_("checksum"), max_length=64, unique=True)
    reason = models.TextField(_("reason"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("unreadable submission")
        verbose_name_plural = _("unreadable submissions")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.submitted_by_id} {self.received_at:%Y-%m-%d %H:%M}"

    @property
    def size(self) -> int:
        return len(self.body)

    @property
    def text(self) -> str:
        """The start of what arrived, as text, to be read on the page (it may not be UTF-8)."""
        return bytes(self.body[:4000]).decode("utf-8", errors="replace")


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
    """A record a submission's chain recorded when it was applied, so that it can be undone
    exactly once before its chain is applied again (named by app and model: collect imports no
    record app).

    Several chains may record the same record (two phones ticking the same woman at the same
    activity), and a record may have been there before any form (ticked on the web page): each
    chain holds a claim on it, and the one that `owns` it is the one that made it. Undoing a
    chain only lets its claim go; the record itself is undone when its owner lets go and no
    other chain claims it, and a record no chain made is never undone by a form.
    """

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
    # The chain that made it, or took it over when the one that made it was undone while this
    # one still recorded it.
    owns = models.BooleanField(_("made by this chain"), default=True)

    class Meta:
        verbose_name = _("applied record")
        verbose_name_plural = _("applied records")
        ordering = ["submission", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "app_label", "model", "object_id"],
                name="applied_record_once_per_submission",
            )
        ]
        indexes = [
            models.Index(fields=["app_label", "model", "object_id"], name="applied_record_claims")
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


class ImportKind(models.TextChoices):
    KOBO = "kobo", _("KoboToolbox")
    CENTRAL = "central", _("ODK Central")


class ImportSource(models.Model):
    """A KoboToolbox account or an ODK Central project whose forms and submissions Tonle brings
    in, batch after batch, each bringing only what is new or changed since the last."""

    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    name = models.CharField(_("name"), max_length=200)
    server_url = models.URLField(_("server address"), max_length=300)
    # Central's project id on that server; Kobo assets belong to the account, not a project.
    remote_project = models.PositiveIntegerField(_("Central project number"), null=True, blank=True)
    project_id = models.PositiveBigIntegerField(_("project"), db_index=True)  # as Form has it
    # The token, or email and password, sealed with a key derived from SECRET_KEY
    # (tonle.collect.sealing): never shown again, only replaced.
    credentials = models.TextField(_("sign-in"), blank=True)
    # remote form id -> the client's cursor (to_json), where the next run starts.
    cursors = models.JSONField(_("read up to"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("added by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("import source")
        verbose_name_plural = _("import sources")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


BATCH_SILENT = gettext_noop(
    "The import stopped: its worker went silent (the server restarted, or it ran out of "
    "memory). Nothing it brought is lost: run it again."
)


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Stopped")
    UNDONE = "undone", _("Undone")


class ImportBatch(models.Model):
    """One run of an import: what it brought, record by record, and how far it got."""

    source = models.ForeignKey(
        ImportSource, on_delete=models.PROTECT, related_name="batches", verbose_name=_("source")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("started by"),
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    queued_at = models.DateTimeField(_("asked at"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Written with every record: a running batch silent for TONLE_IMPORT_SILENCE seconds lost
    # its worker (killed, out of memory, the server restarted).
    beat_at = models.DateTimeField(_("last heard of"), null=True, blank=True)
    forms_total = models.PositiveIntegerField(_("forms"), default=0)
    forms_done = models.PositiveIntegerField(_("forms read"), default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    new_versions = models.PositiveIntegerField(_("new versions"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    # A RemoteError kept as its untranslated template and parameters, so each page says it in
    # its reader's language.
    error_template = models.TextField(_("error"), blank=True)
    error_params = models.JSONField(_("error details"), default=dict, blank=True)
    cursors_before = models.JSONField(_("read up to, before"), default=dict, blank=True)
    forms_created = models.JSONField(_("forms it added"), default=list, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("undone by"),
    )  # fmt: skip
    task_id = models.CharField(max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")  # of its reasons

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-queued_at", "-id"]

    @property
    def records(self) -> int:
        return self.new + self.new_versions + self.unchanged + self.failed

    @property
    def progress(self) -> int:
        if self.status in (BatchStatus.DONE, BatchStatus.UNDONE):
            return 100
        return 100 * self.forms_done // self.forms_total if self.forms_total else 0

    @property
    def silent(self) -> bool:
        """Running, but its worker has not been heard of for too long: it is lost."""
        if self.status != BatchStatus.RUNNING or self.beat_at is None:
            return False
        return (timezone.now() - self.beat_at).total_seconds() > settings.TONLE_IMPORT_SILENCE

    @property
    def error_message(self) -> str:
        if self.silent:
            return gettext(BATCH_SILENT)
        return gettext(self.error_template) % self.error_params if self.error_template else ""


class RecordResult(models.TextChoices):
    NEW = "new", _("New")
    NEW_VERSION = "new_version", _("New version")
    UNCHANGED = "unchanged", _("Unchanged")
    FAILED = "failed", _("Failed")


class ImportedRecord(models.Model):
    """One remote record exactly as the server served it, kept before anything is made of it."""

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="imported", verbose_name=_("batch")
    )
    form_id = models.CharField(_("remote form"), max_length=100)
    # An entity of an ODK Central entity list (named here) rather than a submission: its
    # remote id is the entity's uuid and its content the entity as Central served it.
    entity_list = models.CharField(_("entity list"), max_length=100, blank=True)
    remote_id = models.CharField(_("remote id"), max_length=100)
    instance_id = models.CharField(_("instance id"), max_length=100, blank=True)
    root_uuid = models.CharField(_("first version"), max_length=100, blank=True)
    deprecated_id = models.CharField(_("replaces"), max_length=100, blank=True)
    submitted_at = models.DateTimeField(_("received by the server"))
    submitted_text = models.CharField(_("received (as written)"), max_length=40)  # with offset
    modified_at = models.DateTimeField(_("changed on the server"), null=True, blank=True)
    content = models.BinaryField(_("as it arrived"))
    content_type = models.CharField(_("type"), max_length=100)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)  # name, type, url
    result = models.CharField(_("result"), max_length=12, choices=RecordResult.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    submission = models.ForeignKey(
        Submission, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("submission"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        ordering = ["batch", "id"]
        indexes = [models.Index(fields=["batch", "result"])]

    @property
    def entity(self) -> dict[str, Any]:
        """An entity's label and properties as Central served them ({} for a submission)."""
        if not self.entity_list:
            return {}
        row = json.loads(bytes(self.content))
        return {key: value for key, value in row.items() if key not in ("__id", "__system")}
