"""A participant: one woman or girl, recorded once, with her consent."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tonle.people.ages import age_band_code, age_band_label, age_on


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other")


class Participant(models.Model):
    name_km = models.CharField(_("name in Khmer"), max_length=120, blank=True)
    name_latin = models.CharField(_("name in Latin letters"), max_length=120, blank=True)
    # Keys the registry is searched by; written by the service, never typed.
    name_km_key = models.CharField(max_length=120, blank=True, db_index=True, editable=False)
    name_latin_key = models.CharField(max_length=120, blank=True, db_index=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.FEMALE)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    village = models.ForeignKey(
        "geo.Village",
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("village"),
    )
    # The consonants of her name in Latin letters (people.names), read from the Khmer name
    # and from the romanisation: the check on entry finds "សុភា" and "Sophea" by them.
    name_km_skeleton = models.CharField(max_length=120, blank=True, db_index=True, editable=False)
    name_latin_skeleton = models.CharField(
        max_length=120, blank=True, db_index=True, editable=False
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    phone_key = models.CharField(max_length=30, blank=True, db_index=True, editable=False)
    has_disability = models.BooleanField(_("has a disability"), default=False)
    has_national_id = models.BooleanField(_("holds a national ID card"), default=False)
    consent_given = models.BooleanField(_("consent given"), default=False)
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    # A Smart Woman who logs in is also a participant.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant",
        verbose_name=_("user account"),
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    # A woman found registered twice is merged into the other record, never deleted: her row
    # stays (undo puts her back) but she leaves every list, search and count.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_ones",
        verbose_name=_("merged into"),
    )
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    history = HistoricalRecords(
        excluded_fields=[
            "name_km_key", "name_latin_key", "name_km_skeleton", "name_latin_skeleton",
            "phone_key",
        ]
    )  # fmt: skip

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["name_latin_key", "name_km_key", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_km="") | ~Q(name_latin=""), name="participant_has_a_name"
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="participant_birth_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(consent_given=False) | Q(consent_date__isnull=False),
                name="participant_consent_has_a_date",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="participant_not_merged_into_herself"
            ),
        ]
        indexes = [models.Index(fields=["village", "birth_year"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_km and self.name_latin:
            return f"{self.name_km} ({self.name_latin})"
        return self.name_km or self.name_latin

    def age(self, on: dt.date | None = None) -> int | None:
        return age_on(
            on=on or timezone.localdate(),
            date_of_birth=self.date_of_birth,
            birth_year=self.birth_year,
        )

    @property
    def age_band(self) -> str:
        return age_band_label(age_band_code(self.age()))


class DuplicateRunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DuplicateRunStep(models.TextChoices):
    READING = "reading", _("Reading the registry")
    TRAINING = "training", _("Learning what duplicates look like")
    PAIRING = "pairing", _("Comparing the women")
    SAVING = "saving", _("Saving the likely duplicates")


class DuplicateRun(models.Model):
    """One search of the whole registry for women registered twice (splink, in the
    background), with the model it trained: its settings and parameters are kept, and the
    check on entry scores with those of the latest run."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("requested by"),
    )  # fmt: skip
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DuplicateRunStatus.choices,
        default=DuplicateRunStatus.QUEUED,
    )  # fmt: skip
    step = models.CharField(_("step"), max_length=10, choices=DuplicateRunStep.choices, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    task_id = models.UUIDField(_("task"), null=True, blank=True)
    people = models.PositiveIntegerField(_("women compared"), default=0)
    pairs = models.PositiveIntegerField(_("likely duplicate pairs"), default=0)
    clusters = models.PositiveIntegerField(_("groups of likely duplicates"), default=0)
    left_out = models.PositiveIntegerField(_("pairs already decided different"), default=0)
    # splink's model as it ran: comparisons, blocking rules, and the trained m and u.
    model = models.JSONField(_("settings and trained parameters"), default=dict, blank=True)
    failure = models.TextField(_("why it failed"), blank=True)

    class Meta:
        verbose_name = _("duplicate search")
        verbose_name_plural = _("duplicate searches")
        ordering = ["-requested_at", "-id"]


class DuplicatePair(models.Model):
    """Two registrations a run found likely to be one woman; `first` has the smaller id."""

    run = models.ForeignKey(
        DuplicateRun, on_delete=models.CASCADE, related_name="pair_set", verbose_name=_("search")
    )
    first = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("first")
    )
    second = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("second")
    )
    match_probability = models.FloatField(_("match probability"))
    match_weight = models.FloatField(_("match weight"))
    # [comparison, level, weight] for each comparison: people.matching.Reason says it in words.
    reasons = models.JSONField(_("reasons"), default=list)
    # Pairs that link up (a woman registered three times) share a cluster: the smallest id.
    cluster = models.PositiveIntegerField(_("group"))

    class Meta:
        verbose_name = _("likely duplicate pair")
        verbose_name_plural = _("likely duplicate pairs")
        ordering = ["-match_probability", "first_id", "second_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "first", "second"], name="duplicate_pair_once"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="duplicate_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["run", "-match_probability"])]


class ParticipantMerge(models.Model):
    """Two records of one woman made one: who did it, the values chosen, and all that undo needs.

    `before` holds both women's fields as they were; `steps` holds, for each kind of record
    (people.merging), the ids moved to the survivor and the rows removed as duplicates.
    """

    survivor = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="merges_kept",
        verbose_name=_("record kept"),
    )  # fmt: skip
    merged = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="merges_into",
        verbose_name=_("record merged into it"),
    )  # fmt: skip
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("merged by"),
    )  # fmt: skip
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)
    values = models.JSONField(_("values chosen"), default=dict)
    before = models.JSONField(_("both records before"), default=dict)
    steps = models.JSONField(_("records moved and removed"), default=dict)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("undone by"),
    )  # fmt: skip
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(survivor=models.F("merged")), name="merge_of_two_records"
            ),
        ]


class DuplicateAnswer(models.TextChoices):
    SAME = "same", _("The same woman")
    DIFFERENT = "different", _("Two different women")
    NOT_SURE = "not_sure", _("Not sure")


class DuplicateDecision(models.Model):
    """What a person decided about two registrations; "different" is never asked again."""

    first = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("first")
    )
    second = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("second")
    )
    decision = models.CharField(_("decision"), max_length=10, choices=DuplicateAnswer.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duplicate decision")
        verbose_name_plural = _("duplicate decisions")
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_decided_once"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="duplicate_decision_ordered"
            ),
        ]
