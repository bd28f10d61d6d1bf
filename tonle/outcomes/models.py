"""Milestones with evidence, stories of change with consent to publish, and scored assessments."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class MilestoneKind(models.TextChoices):
    VILLAGE_CHIEF = "village_chief", _("Became village chief")
    COMMUNE_COUNCIL = "commune_council", _("Joined the commune council")
    CCWC_MEMBER = "ccwc_member", _("Joined the Commune Council for Women and Children")
    GROUP_LEADER = "group_leader", _("Became a group leader")
    ID_OBTAINED = "id_obtained", _("Obtained her national ID card")
    BUSINESS_STARTED = "business_started", _("Started a business")
    RETURNED_TO_SCHOOL = "returned_to_school", _("Returned to school")
    OTHER = "other", _("Other milestone")


LEADERSHIP = {
    MilestoneKind.VILLAGE_CHIEF,
    MilestoneKind.COMMUNE_COUNCIL,
    MilestoneKind.CCWC_MEMBER,
    MilestoneKind.GROUP_LEADER,
}


class Milestone(models.Model):
    participant = models.ForeignKey(
        "people.Participant",
        on_delete=models.PROTECT,
        related_name="milestones",
        verbose_name=_("participant"),
    )
    project = models.ForeignKey(
        "programs.Project",
        on_delete=models.PROTECT,
        related_name="milestones",
        verbose_name=_("project"),
    )
    kind = models.CharField(_("milestone"), max_length=20, choices=MilestoneKind.choices)
    date = models.DateField(_("date"))
    evidence = models.TextField(
        _("evidence"), help_text=_("How we know: a decision, a letter, a witness.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["project", "kind"])]

    @property
    def is_leadership(self) -> bool:
        return self.kind in LEADERSHIP


class StoryLanguage(models.TextChoices):
    KHMER = "km", _("Khmer")
    ENGLISH = "en", _("English")


class Story(models.Model):
    participant = models.ForeignKey(
        "people.Participant",
        on_delete=models.PROTECT,
        related_name="stories",
        verbose_name=_("participant"),
    )
    project = models.ForeignKey(
        "programs.Project",
        on_delete=models.PROTECT,
        related_name="stories",
        verbose_name=_("project"),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("story"))
    language = models.CharField(_("language"), max_length=2, choices=StoryLanguage.choices)
    # The story in Khmer when it was written in English, for the Khmer report and PDF.
    title_km = models.CharField(_("title in Khmer"), max_length=200, blank=True)
    text_km = models.TextField(
        _("story in Khmer"), blank=True,
        help_text=_("For the Khmer report, when the story is written in English."),
    )  # fmt: skip
    photo = models.ImageField(_("photo"), upload_to="stories/%Y/", blank=True)
    consent_to_publish = models.BooleanField(_("she consents to its publication"), default=False)
    # What her consent covers beyond the story itself: each is asked and ticked on its own.
    consent_to_name = models.BooleanField(
        _("she agrees to be named in full where it is published"), default=False
    )
    consent_to_photo = models.BooleanField(
        _("she agrees to her photo being published with it"), default=False
    )
    written_on = models.DateField(_("written on"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("story of change")
        verbose_name_plural = _("stories of change")
        ordering = ["-written_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def told_in(self, language: str) -> tuple[str, str, bool]:
        """(title, text, whether it falls back on English) for a report in `language`: in
        Khmer its Khmer text, else the English marked as such."""
        if language == StoryLanguage.KHMER and self.language != StoryLanguage.KHMER:
            if self.text_km.strip():
                return self.title_km or self.title, self.text_km, False
            return self.title, self.text, True
        return self.title, self.text, False


class AssessmentStage(models.TextChoices):
    PRE = "pre", _("Before")
    POST = "post", _("After")


SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class Assessment(models.Model):
    """A short scored questionnaire (1 to 5) taken before and after the support."""

    participant = models.ForeignKey(
        "people.Participant",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("participant"),
    )
    project = models.ForeignKey(
        "programs.Project",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("project"),
    )
    stage = models.CharField(_("stage"), max_length=4, choices=AssessmentStage.choices)
    date = models.DateField(_("date"))
    confidence = models.PositiveSmallIntegerField(_("confidence (1-5)"), validators=SCORE)
    knowledge = models.PositiveSmallIntegerField(
        _("knowledge of rights and services (1-5)"), validators=SCORE
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "project", "stage"], name="one_assessment_per_stage"
            ),
            models.CheckConstraint(
                condition=Q(
                    confidence__gte=1, confidence__lte=5, knowledge__gte=1, knowledge__lte=5
                ),
                name="assessment_scores_one_to_five",
            ),
        ]
