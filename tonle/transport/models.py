"""Drivers under contract, the trips they make for women, and what they are paid each month."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Driver(models.Model):
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    vehicle = models.CharField(
        _("vehicle"), max_length=120, blank=True, help_text=_("e.g. plate number")
    )
    commune = models.ForeignKey(
        "geo.Commune", on_delete=models.PROTECT, related_name="drivers", verbose_name=_("area")
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("driver")
        verbose_name_plural = _("drivers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FareRule(models.TextChoices):
    PER_TRIP = "per_trip", _("Per trip")
    PER_KM = "per_km", _("Per kilometre")


class Contract(models.Model):
    driver = models.ForeignKey(
        Driver, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("driver")
    )
    project = models.ForeignKey(
        "programs.Project",
        on_delete=models.PROTECT,
        related_name="transport_contracts",
        verbose_name=_("project"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    fare_rule = models.CharField(_("fare rule"), max_length=10, choices=FareRule.choices)
    rate = models.PositiveIntegerField(_("rate (riel)"), help_text=_("per trip, or per kilometre"))
    ceiling = models.PositiveIntegerField(_("ceiling per trip (riel)"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="contract_ends_after_start",
                violation_error_message=_("A contract ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(ceiling__gte=F("rate")) | Q(fare_rule="per_km"),
                name="contract_ceiling_covers_a_trip",
                violation_error_message=_("The ceiling per trip is below the fare of a trip."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.driver} · {self.starts_on:%Y-%m} – {self.ends_on:%Y-%m}"


class Trip(models.Model):
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="trips", verbose_name=_("contract")
    )
    # Copied from the contract so a driver's month is read from one index.
    driver = models.ForeignKey(
        Driver, on_delete=models.PROTECT, related_name="trips", verbose_name=_("driver")
    )
    date = models.DateField(_("date"))
    participant = models.ForeignKey(
        "people.Participant",
        on_delete=models.PROTECT,
        related_name="trips",
        verbose_name=_("woman"),
    )
    from_village = models.ForeignKey(
        "geo.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("from village")
    )
    to_provider = models.ForeignKey(
        "referrals.ServiceProvider",
        on_delete=models.PROTECT,
        related_name="trips",
        verbose_name=_("to (service provider)"),
    )
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="trips",
        verbose_name=_("referral"),
    )  # fmt: skip
    distance_km = models.DecimalField(
        _("distance (km)"), max_digits=6, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0), message=_("A distance cannot be negative."))],
    )  # fmt: skip
    fare = models.PositiveIntegerField(_("fare (riel)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["driver", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(distance_km__isnull=True) | Q(distance_km__gte=0),
                name="trip_distance_not_negative",
            )
        ]


class DriverPayment(models.Model):
    """A driver's monthly statement once approved, and when it was paid."""

    driver = models.ForeignKey(
        Driver, on_delete=models.PROTECT, related_name="payments", verbose_name=_("driver")
    )
    month = models.DateField(_("month"))  # the first day of the month
    trips = models.PositiveIntegerField(_("trips"))
    total = models.PositiveIntegerField(_("total (riel)"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked paid by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("driver payment")
        verbose_name_plural = _("driver payments")
        constraints = [
            models.UniqueConstraint(fields=["driver", "month"], name="one_payment_per_driver_month")
        ]
