"""Donor reports: templates of sections written in both languages, and the reports issued from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tonle.lib.models import BilingualNamed


class ReportTemplate(BilingualNamed):
    """A report's structure: its sections, in order, for one project and one period."""

    project = models.ForeignKey(
        "programs.Project",
        on_delete=models.CASCADE,
        related_name="report_templates",
        verbose_name=_("project"),
    )
    slug = models.SlugField(_("short name"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["project", "-ends_on", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["project", "slug"], name="report_slug_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="report_period_in_order",
                violation_error_message=_("A report's period ends after it starts."),
            ),
        ]


class SectionKind(models.TextChoices):
    TEXT = "text", _("Text with figures")
    INDICATORS = "indicators", _("Table of indicators and targets")
    CHART = "chart", _("Chart of an indicator by quarter")
    STORIES = "stories", _("Stories of change (with consent to publish)")
    ACTIVITIES = "activities", _("Annex: list of activities")
    PEOPLE = "people", _("Annex: participants by community and age band (anonymised)")


class Section(models.Model):
    """One part of a report. Text is Markdown; {{ code }} puts an indicator's figure in it and
    {{ code by district }} its split, so the figures are computed, never typed."""

    template = models.ForeignKey(
        ReportTemplate, on_delete=models.CASCADE, related_name="sections", verbose_name=_("report")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=SectionKind.choices)
    heading_en = models.CharField(_("heading (English)"), max_length=200, blank=True)
    heading_km = models.CharField(_("heading (Khmer)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    body_km = models.TextField(_("text (Khmer)"), blank=True)
    indicator = models.CharField(
        _("indicator"), max_length=50, blank=True, help_text=_("The code of the charted indicator.")
    )
    photo = models.ImageField(_("photo"), upload_to="reports/%Y/", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["template", "order", "id"]

    @property
    def heading(self) -> str:
        """The reader's language when it is written, else the other one."""
        if (get_language() or "en").startswith("km"):
            return self.heading_km or self.heading_en
        return self.heading_en or self.heading_km


class IssuedReport(models.Model):
    """A report as it was issued: text, figures, the ids behind each figure and the definitions.

    It never changes afterwards; later data is compared with it, never written into it.
    """

    template = models.ForeignKey(
        ReportTemplate, on_delete=models.PROTECT, related_name="issued", verbose_name=_("report")
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("issued by"),
    )  # fmt: skip
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    # {"sections": [...], "figures": {key: {"value", "ids", "definition", ...}}}
    snapshot = models.JSONField(_("snapshot"))

    class Meta:
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")
        ordering = ["-issued_at"]


class RenderStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for its turn")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class RenderStep(models.TextChoices):
    """What a PDF's maker is doing, stored as a code and said in the reader's language."""

    FIGURES = "figures", _("Counting the figures")
    SECTIONS = "sections", _("Writing the sections")
    LAYOUT = "layout", _("Laying out the pages")
    WRITING = "writing", _("Writing the PDF")


class RenderFailure(models.TextChoices):
    """Why a PDF was not made, stored as a code and said in the reader's language."""

    ERROR = "error", _("Something in the report stopped the PDF from being made.")
    WORKER_STOPPED = (
        "worker_stopped",
        _("The program that makes PDFs stopped while it was making this one."),
    )
    NO_WORKER = "no_worker", _("No program is making PDFs just now: this one waited too long.")


class RenderJob(models.Model):
    """A PDF being made in the background (django-tasks), its progress, and the file made."""

    template = models.ForeignKey(
        ReportTemplate, on_delete=models.CASCADE, related_name="render_jobs",
        verbose_name=_("report"),
    )  # fmt: skip
    issued = models.ForeignKey(
        IssuedReport, on_delete=models.CASCADE, null=True, blank=True, related_name="render_jobs",
        verbose_name=_("issued report"),
    )  # fmt: skip
    language = models.CharField(_("language"), max_length=2)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("requested by"),
    )  # fmt: skip
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RenderStatus.choices, default=RenderStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=20, choices=RenderStep.choices, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/rendered/%Y/", blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    # The background task (django-tasks) that is to make it: a job whose task failed, or whose
    # worker fell silent, is said to have failed instead of being polled for ever.
    task_id = models.UUIDField(_("task"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # Each worker that takes the job counts one; a write of an attempt that is no longer the
    # job's latest is refused, so the same PDF is never finished twice.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    failure = models.CharField(
        _("why it failed"), max_length=20, choices=RenderFailure.choices, blank=True
    )

    class Meta:
        verbose_name = _("PDF being made")
        verbose_name_plural = _("PDFs being made")
        ordering = ["-requested_at"]


class SmallFigureRelease(models.Model):
    """A manager's choice to publish one figure under 5 in one report (the two women who won
    leadership roles): who chose it and why. Nothing else under 5 reaches a donor."""

    template = models.ForeignKey(
        ReportTemplate, on_delete=models.CASCADE, related_name="releases", verbose_name=_("report")
    )
    code = models.CharField(_("indicator"), max_length=50)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("released by"),
    )  # fmt: skip
    reason = models.TextField(_("why it may be published"))
    released_at = models.DateTimeField(_("released at"), auto_now_add=True)

    class Meta:
        verbose_name = _("small figure published on purpose")
        verbose_name_plural = _("small figures published on purpose")
        ordering = ["-released_at"]
