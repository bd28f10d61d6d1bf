"""Who runs and funds a project, where it works, its activities and who came to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tonle.lib.models import BilingualNamed


class OrganisationKind(models.TextChoices):
    NGO = "ngo", _("NGO")
    DONOR = "donor", _("Donor")
    GOVERNMENT = "government", _("Government body")
    CCWC = "ccwc", _("Commune Council for Women and Children")
    PARTNER = "partner", _("Partner")


class IatiOrganisationType(models.TextChoices):
    """IATI's OrganisationType codelist, the codes an NGO's partners are likely to have."""

    GOVERNMENT = "10", _("Government")
    LOCAL_GOVERNMENT = "11", _("Local government")
    INTERNATIONAL_NGO = "21", _("International NGO")
    NATIONAL_NGO = "22", _("National NGO")
    REGIONAL_NGO = "23", _("Regional NGO")
    MULTILATERAL = "40", _("Multilateral")
    FOUNDATION = "60", _("Foundation")
    PRIVATE_SECTOR = "70", _("Private sector")
    ACADEMIC = "80", _("Academic, training and research")
    OTHER = "90", _("Other")


class Organisation(BilingualNamed):
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    iati_ref = models.CharField(
        _("IATI organisation identifier"), max_length=100, blank=True,
        help_text=_("As registered with IATI, e.g. GB-CHC-1234567; needed to publish to IATI."),
    )  # fmt: skip
    iati_type = models.CharField(
        _("IATI organisation type"), max_length=2, choices=IatiOrganisationType.choices,
        blank=True,
    )  # fmt: skip
    commune = models.ForeignKey(
        "geo.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("commune"),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_en"]


class Project(BilingualNamed):
    slug = models.SlugField(_("short name"), unique=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("organisation"),
    )
    funders = models.ManyToManyField(
        Organisation, related_name="funded_projects", blank=True, verbose_name=_("donors")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    communities = models.ManyToManyField(
        "geo.Village", related_name="projects", verbose_name=_("communities")
    )
    description = models.TextField(_("description"), blank=True)
    description_km = models.TextField(_("description (Khmer)"), blank=True)
    iati_identifier = models.CharField(
        _("IATI activity identifier"), max_length=150, blank=True,
        help_text=_("Left empty: the organisation's IATI identifier, a dash and the short name."),
    )  # fmt: skip
    # OECD DAC 5-digit purpose code; 15170 is women's rights organisations and movements.
    dac_sector = models.CharField(_("DAC sector"), max_length=5, default="15170")
    # How long a referral may wait at each step before her officer, the officer's supervisor
    # and the provider see it as overdue.
    referral_receive_days = models.PositiveSmallIntegerField(
        _("days for a provider to receive a referral"), default=7,
        help_text=_("A referral not received by the provider after this many days is overdue."),
    )  # fmt: skip
    referral_resolve_days = models.PositiveSmallIntegerField(
        _("days for a provider to resolve a referral"), default=30,
        help_text=_(
            "A referral received but not resolved this many days after it was received is overdue."
        ),
    )  # fmt: skip

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-starts_on", "name_en"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="project_ends_after_start",
            )
        ]


class ProjectMembership(models.Model):
    """A user's place on a project: it scopes what a field officer, mentor or donor sees."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("project")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="project_memberships",
        verbose_name=_("user"),
    )

    class Meta:
        verbose_name = _("project membership")
        verbose_name_plural = _("project memberships")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_membership_per_project")
        ]


class Component(BilingualNamed):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="components", verbose_name=_("project")
    )
    code = models.SlugField(_("code"))

    class Meta:
        verbose_name = _("component")
        verbose_name_plural = _("components")
        ordering = ["project", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "code"], name="component_code_unique_in_project"
            )
        ]


class ActivityType(BilingualNamed):
    code = models.SlugField(_("code"), unique=True)

    class Meta:
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["id"]


class Topic(BilingualNamed):
    code = models.SlugField(_("code"), unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name_en"]


class Activity(BilingualNamed):
    # The title, in either language or both; pages show the reader's language when written.
    name_en = models.CharField(_("title in English"), max_length=200, blank=True)
    name_km = models.CharField(_("title in Khmer"), max_length=200, blank=True)
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="activities", verbose_name=_("project")
    )
    component = models.ForeignKey(
        Component, on_delete=models.PROTECT, related_name="activities", verbose_name=_("component")
    )
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="activities", verbose_name=_("type")
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        related_name="activities",
        null=True,
        blank=True,
        verbose_name=_("topic"),
    )
    date = models.DateField(_("date"), db_index=True)
    village = models.ForeignKey(
        "geo.Village",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("community"),
    )
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("e.g. the pagoda hall")
    )
    facilitator = models.CharField(_("facilitator"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["project", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name_en="") | ~models.Q(name_km=""), name="activity_has_a_title"
            )
        ]

    @property
    def title(self) -> str:
        return self.name


class AttendanceSource(models.TextChoices):
    WEB = "web", _("Taken in the browser")
    SHEET = "sheet", _("Sign-in sheet")
    FORM = "form", _("Field form")
    DEMO = "demo", _("Demo data")


class Attendance(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("activity")
    )
    participant = models.ForeignKey(
        "people.Participant",
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("participant"),
    )
    source = models.CharField(
        _("source"), max_length=10, choices=AttendanceSource.choices, default=AttendanceSource.WEB
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "participant"], name="attends_an_activity_once"
            )
        ]
        indexes = [models.Index(fields=["participant", "activity"])]
