"""Writes for transport: a trip is checked against its contract; a month is approved, then paid."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tonle.accounts.models import User
from tonle.geo.models import Village
from tonle.lib.models import recorded_by
from tonle.lib.templatetags.tonle import format_count
from tonle.people.models import Participant
from tonle.referrals.models import Referral, ServiceProvider
from tonle.transport.models import Contract, Driver, DriverPayment, FareRule, Trip
from tonle.transport.selectors import driver_month


def driver_save(*, by: User | None, driver: Driver) -> Driver:
    """Add or change a driver (name, phone, vehicle, area, whether she still drives for us)."""
    driver.full_clean()
    recorded_by(driver, user=by)
    with transaction.atomic():
        driver.save()
    return driver


def contract_check(*, contract: Contract) -> None:
    """A contract's period and fare rules, against the trips already made and her other contracts."""
    errors: dict[str, str] = {}
    if contract.starts_on and contract.ends_on and contract.ends_on < contract.starts_on:
        errors["ends_on"] = _("A contract ends after it starts.")
    if contract.rate is not None and contract.rate <= 0:
        errors["rate"] = _("Give the rate in riel.")
    if (
        contract.fare_rule == FareRule.PER_TRIP
        and contract.rate is not None
        and contract.ceiling is not None
        and contract.ceiling < contract.rate
    ):
        errors["ceiling"] = _("The ceiling per trip is below the fare of a trip.")
    if errors or not (contract.driver_id and contract.starts_on and contract.ends_on):
        if errors:
            raise ValidationError(errors)
        return
    overlapping = (
        Contract.objects.filter(driver=contract.driver_id, project=contract.project_id)
        .filter(starts_on__lte=contract.ends_on, ends_on__gte=contract.starts_on)
        .exclude(pk=contract.pk)
        .first()
    )
    if overlapping is not None:
        errors["starts_on"] = _(
            "The driver already has a contract for this project from %(start)s to %(end)s: "
            "a trip would not know which one it is under."
        ) % {"start": date_format(overlapping.starts_on), "end": date_format(overlapping.ends_on)}
    if contract.pk:
        outside = (
            contract.trips.exclude(date__range=(contract.starts_on, contract.ends_on))
            .order_by("date")
            .first()
        )
        if outside is not None:
            errors["ends_on"] = _(
                "A trip of %(date)s was made under this contract: its period must still hold it."
            ) % {"date": date_format(outside.date)}
        elif (
            contract.trips.exists()
            and Contract.objects.filter(pk=contract.pk)
            .exclude(fare_rule=contract.fare_rule, rate=contract.rate, ceiling=contract.ceiling)
            .exists()
        ):
            errors["rate"] = _(
                "Trips were paid under this fare: end this contract and start a new one instead."
            )
    if errors:
        raise ValidationError(errors)


def contract_save(*, by: User | None, contract: Contract) -> Contract:
    """Add or change a driver's contract: checked by `contract_check`, kept with its history."""
    with transaction.atomic():
        # Two contracts of one driver saved at once: the second sees the first.
        Driver.objects.select_for_update().filter(pk=contract.driver_id).first()
        contract_check(contract=contract)
        contract.full_clean()
        recorded_by(contract, user=by)
        contract.save()
    return contract


def trip_fare(*, contract: Contract, distance_km: Decimal | None) -> int:
    if contract.fare_rule == FareRule.PER_TRIP:
        return contract.rate
    return int(
        (Decimal(contract.rate) * (distance_km or Decimal(0))).quantize(Decimal(1), ROUND_HALF_UP)
    )


def trip_record(
    *,
    by: User,
    contract: Contract,
    date: dt.date,
    participant: Participant | None,
    from_village: Village,
    to_provider: ServiceProvider,
    referral: Referral | None = None,
    distance_km: Decimal | None = None,
) -> Trip:
    """A trip that breaks the contract is refused with the reason, and nothing is saved."""
    errors: dict[str, str] = {}
    if participant is None:
        errors["participant"] = _("A trip carries a woman: say who.")
    if not contract.starts_on <= date <= contract.ends_on:
        errors["date"] = _("The trip is outside the contract (%(start)s to %(end)s).") % {
            "start": date_format(contract.starts_on),
            "end": date_format(contract.ends_on),
        }
    if date > timezone.localdate():
        errors["date"] = _("A trip cannot be in the future.")
    if contract.fare_rule == FareRule.PER_KM and not distance_km:
        errors["distance_km"] = _("This contract pays per kilometre: give the distance.")
    fare = trip_fare(contract=contract, distance_km=distance_km)
    if distance_km is not None and distance_km < 0:
        errors["distance_km"] = _("A distance cannot be negative.")
    elif fare > contract.ceiling:
        errors["distance_km"] = _(
            "The fare of %(fare)s riel is above the contract's ceiling of %(ceiling)s riel."
        ) % {
            "fare": format_count(fare),
            "ceiling": format_count(contract.ceiling),
        }
    if (
        referral is not None
        and participant is not None
        and referral.participant_id != participant.pk
    ):
        errors["referral"] = _("This referral is for another woman.")
    if errors:
        raise ValidationError(errors)
    trip = Trip(
        contract=contract, driver_id=contract.driver_id, date=date, participant=participant,
        from_village=from_village, to_provider=to_provider, referral=referral,
        distance_km=distance_km, fare=fare, recorded_by=by,
    )  # fmt: skip
    recorded_by(trip, user=by)
    with transaction.atomic():
        # Under the driver's lock: a month being approved at this moment is either approved
        # before (the trip is refused) or after (its statement counts the trip).
        _driver_locked(driver_id=contract.driver_id)
        if _approved(driver_id=contract.driver_id, month=date):
            raise ValidationError(
                {"date": _("The driver's statement for this month is already approved.")}
            )
        trip.save()
    return trip


def _driver_locked(*, driver_id: int) -> Driver:
    """Lock the driver's row: her trips and her statements are written one at a time."""
    return Driver.objects.select_for_update().get(pk=driver_id)


def _approved(*, driver_id: int, month: dt.date) -> bool:
    return DriverPayment.objects.filter(driver_id=driver_id, month=month.replace(day=1)).exists()


def payment_approve(*, by: User, driver_id: int, month: dt.date) -> DriverPayment:
    """Freeze the month's statement: its trips and total as they stand now.

    The statement is read under the driver's lock, so a trip recorded at the same moment is
    either in the frozen total or refused: never saved outside it.
    """
    with transaction.atomic():
        _driver_locked(driver_id=driver_id)
        if _approved(driver_id=driver_id, month=month):
            raise ValidationError({"month": _("This month is already approved.")})
        statement = driver_month(driver_id=driver_id, month=month, user=by)
        if not statement.trips:
            raise ValidationError({"month": _("There are no trips to approve in this month.")})
        payment = DriverPayment(
            driver_id=driver_id, month=month.replace(day=1), trips=len(statement.trips),
            total=statement.total, approved_by=by,
        )  # fmt: skip
        recorded_by(payment, user=by)
        payment.save()
    return payment


def payment_mark_paid(*, by: User, payment: DriverPayment, paid_on: dt.date) -> DriverPayment:
    """Record the day the month was paid, and who says so. It is paid once: a second "paid"
    (two managers, or a page opened before the first) is refused, and the history keeps
    every change."""
    if paid_on < payment.approved_at.date():
        raise ValidationError({"paid_on": _("A payment is made after it is approved.")})
    with transaction.atomic():
        current = DriverPayment.objects.select_for_update().get(pk=payment.pk)
        if current.paid_on is not None:
            raise ValidationError(
                {"paid_on": _("This month was already marked paid on %(date)s.")
                 % {"date": date_format(current.paid_on)}}
            )  # fmt: skip
        current.paid_on, current.paid_by = paid_on, by
        recorded_by(current, user=by)
        current.save(update_fields=["paid_on", "paid_by"])
    payment.paid_on, payment.paid_by = paid_on, by
    return payment
