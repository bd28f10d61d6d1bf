"""A case of coaching, mentoring or counselling: goals, sessions and restricted notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tonle.lib.models import BilingualNamed


class CaseKind(models.TextChoices):
    COACHING = "coaching", _("Coaching")
    MENTORING = "mentoring", _("Mentoring")
    COUNSELLING = "counselling", _("Counselling")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Case(models.Model):
    participant = models.ForeignKey(
        "people.Participant",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("participant"),
    )
    project = models.ForeignKey(
        "programs.Project",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("project"),
    )
    kind = models.CharField(_("kind of support"), max_length=20, choices=CaseKind.choices)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("assigned worker"),
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    risk = models.CharField(
        _("risk"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW
    )
    consent_given = models.BooleanField(_("consent given"), default=False)
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    # Kept by the services so supervisors' lists need no aggregate over all sessions: the date
    # of the last session, or of the opening while there is none.
    last_contact_on = models.DateField(_("last contact"))
    next_follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="case_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=Q(consent_given=True, consent_date__isnull=False),
                name="case_has_consent",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "last_contact_on"]),
            models.Index(fields=["worker", "status", "last_contact_on"]),
            models.Index(fields=["status", "next_follow_up_on"]),
            models.Index(fields=["worker", "status", "next_follow_up_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.participant}"


class SessionTopic(BilingualNamed):
    code = models.SlugField(_("code"), unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("session topic")
        verbose_name_plural = _("session topics")
        ordering = ["name_en"]


class GoalProgress(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class Goal(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="goals", verbose_name=_("case")
    )
    description = models.CharField(_("goal"), max_length=300)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    progress = models.CharField(
        _("progress"), max_length=20, choices=GoalProgress.choices, default=GoalProgress.NOT_STARTED
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description


class Session(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("case")
    )
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"))
    topics = models.ManyToManyField(
        SessionTopic, blank=True, related_name="sessions", verbose_name=_("topics")
    )
    notes = models.TextField(_("notes"), blank=True)  # restricted, like case notes
    follow_up_on = models.DateField(_("follow-up on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["notes"])

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["case", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="session_takes_time")
        ]


class CaseNote(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="notes", verbose_name=_("case")
    )
    text = models.TextField(_("note"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    # Restricted like the notes themselves: read only through `case_note_history_for_user`,
    # never in the admin.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-written_at", "-id"]
