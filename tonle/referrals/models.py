"""Service providers in the gazetteer, referrals that move step by step, and services delivered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from tonle.lib.models import BilingualNamed
from tonle.lib.templatetags.tonle import format_count


class ProviderKind(models.TextChoices):
    COMMUNE_COUNCIL = "commune_council", _("Commune council")
    CCWC = "ccwc", _("Commune Council for Women and Children")
    HEALTH_CENTRE = "health_centre", _("Health centre")
    POLICE = "police", _("Police")
    LEGAL_AID = "legal_aid", _("Legal aid")
    ID_OFFICE = "id_office", _("ID office")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other")


class _ProviderHistory(HistoricalRecords):
    """A provider's history, its accounts included, however the accounts are changed.

    simple-history records an m2m change on the instance the change was made from; made from
    the user's side (`user.providers.set(...)`) that is the user, whose history has no such
    fields and fails. Such a change is recorded on each provider it touched instead.
    """

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        if action == "pre_clear":
            instance._providers_cleared = list(instance.providers.all())
            return None
        if action == "post_clear":
            touched = getattr(instance, "_providers_cleared", [])
        elif action in ("post_add", "post_remove"):
            touched = ServiceProvider.objects.filter(pk__in=pk_set or [])
        else:
            return None
        for provider in touched:
            super().m2m_changed(provider, action, attr, None, False, **kwargs)
        return None


class ServiceProvider(BilingualNamed):
    kind = models.CharField(_("kind"), max_length=20, choices=ProviderKind.choices)
    commune = models.ForeignKey(
        "geo.Commune", on_delete=models.PROTECT, related_name="providers", verbose_name=_("commune")
    )
    village = models.ForeignKey(
        "geo.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="providers",
        verbose_name=_("village"),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="providers", verbose_name=_("accounts")
    )
    history = _ProviderHistory(m2m_fields=[accounts])

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["name_en"]


class ServiceKind(models.TextChoices):
    NATIONAL_ID = "national_id", _("National ID card")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    FAMILY_BOOK = "family_book", _("Family book")
    HEALTH_VISIT = "health_visit", _("Health visit")
    LEGAL_AID = "legal_aid", _("Legal aid")
    PROTECTION = "protection", _("Protection from violence")
    SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance (IDPoor)")
    OTHER = "other", _("Other service")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    GIVEN = "given", _("Service given")
    DECLINED = "declined", _("Declined")
    NO_SHOW = "no_show", _("Did not come")


# Where a referral may go from each step; the last three are final.
NEXT_STEPS = {
    ReferralStatus.SENT: {ReferralStatus.RECEIVED, ReferralStatus.DECLINED, ReferralStatus.NO_SHOW},
    ReferralStatus.RECEIVED: {
        ReferralStatus.GIVEN,
        ReferralStatus.DECLINED,
        ReferralStatus.NO_SHOW,
    },
    ReferralStatus.GIVEN: set(),
    ReferralStatus.DECLINED: set(),
    ReferralStatus.NO_SHOW: set(),
}

# The steps after which nothing more happens: the referral is closed.
CLOSED_STATUSES = [status for status, after in NEXT_STEPS.items() if not after]


class Standing(models.TextChoices):
    """Where a referral stands today against its project's delays (worked out, not stored)."""

    OPEN = "open", _("Open")
    NOT_RECEIVED = "not_received", _("Overdue: not received")
    NOT_RESOLVED = "not_resolved", _("Overdue: not resolved")
    CLOSED = "closed", _("Closed")


OVERDUE = [Standing.NOT_RECEIVED, Standing.NOT_RESOLVED]


class Referral(models.Model):
    participant = models.ForeignKey(
        "people.Participant",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("participant"),
    )
    project = models.ForeignKey(
        "programs.Project",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("project"),
    )
    provider = models.ForeignKey(
        ServiceProvider,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("provider"),
    )
    service = models.CharField(_("service"), max_length=20, choices=ServiceKind.choices)
    reason = models.TextField(_("reason"))
    consent_given = models.BooleanField(_("she consents to the referral"), default=False)
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    # What she agreed the provider may see besides her name.
    share_phone = models.BooleanField(_("share her phone"), default=False)
    share_age = models.BooleanField(_("share her age"), default=False)
    share_village = models.BooleanField(_("share her village"), default=False)
    share_reason = models.BooleanField(_("share the reason"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_on = models.DateField(_("sent on"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_given=True, consent_date__isnull=False),
                name="referral_has_consent",
            )
        ]
        indexes = [
            models.Index(fields=["provider", "status"]),
            models.Index(fields=["project", "sent_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} → {self.provider}"

    # Read only on referrals from referrals.selectors.referrals_with_standing, which annotates
    # `standing` and `days_waited` in the database against the project's delays.
    @property
    def is_overdue(self) -> bool:
        return getattr(self, "standing", None) in OVERDUE

    @property
    def waiting_text(self) -> str:
        """How long it has waited at its step: "waiting 9 days"; empty once closed."""
        days = getattr(self, "days_waited", None)
        if days is None or getattr(self, "standing", None) == Standing.CLOSED:
            return ""
        return ngettext("waiting %(days)s day", "waiting %(days)s days", days) % {
            "days": format_count(days)
        }

    @property
    def standing_label(self) -> str:
        """ "Overdue: not received" when overdue, else its step ("Sent", "Service given")."""
        return Standing(self.standing).label if self.is_overdue else self.get_status_display()

    @property
    def standing_text(self) -> str:
        """Where it stands, in a few words: "Overdue: not received · waiting 9 days"."""
        label = self.standing_label
        return " · ".join(str(part) for part in (label, self.waiting_text) if part)


class ReferralStep(models.Model):
    """One move of a referral, with who made it and when."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="steps", verbose_name=_("referral")
    )
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices)
    on = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("recorded at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("referral step")
        verbose_name_plural = _("referral steps")
        ordering = ["on", "id"]


class ServiceDelivery(models.Model):
    participant = models.ForeignKey(
        "people.Participant",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("participant"),
    )
    project = models.ForeignKey(
        "programs.Project",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("project"),
    )
    kind = models.CharField(_("service"), max_length=20, choices=ServiceKind.choices)
    delivered_on = models.DateField(_("date"))
    provider = models.ForeignKey(
        ServiceProvider, on_delete=models.PROTECT, null=True, blank=True, related_name="services",
        verbose_name=_("provider"),
    )  # fmt: skip
    referral = models.OneToOneField(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="delivery",
        verbose_name=_("referral"),
    )  # fmt: skip
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        ordering = ["-delivered_on", "-id"]
        indexes = [models.Index(fields=["project", "kind"])]
