"""Reads for transport: a driver's monthly statement and the trips on a woman's timeline."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from tonle.accounts.models import User
from tonle.people.models import Participant
from tonle.people.selectors import participants_visible_to, records_of_women_named
from tonle.people.timeline import TimelineEntry
from tonle.programs.selectors import projects_visible_to
from tonle.transport.models import Contract, Driver, DriverPayment, Trip


@dataclass(frozen=True)
class Statement:
    driver_id: int
    month: dt.date
    trips: list[Trip]
    total: int
    payment: DriverPayment | None


def _month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following


def trips_visible_to(*, user: User) -> QuerySet[Trip]:
    """Trips under the contracts of the user's projects, of women in her scope."""
    if not user.is_authenticated or not user.may_edit_records:
        return Trip.objects.none()
    trips = Trip.objects.filter(participant__in=participants_visible_to(user=user).values("pk"))
    if user.sees_every_project:
        return trips
    return trips.filter(contract__project__in=projects_visible_to(user=user).values("id"))


def contracts_for_trip(*, user: User, on: dt.date) -> QuerySet[Contract]:
    """The contracts of the user's projects that run on the trip's date: the choices for a trip."""
    return (
        Contract.objects.filter(
            project__in=projects_visible_to(user=user).values("id"),
            starts_on__lte=on,
            ends_on__gte=on,
        )
        .select_related("driver")
        .order_by("driver__name", "-starts_on")
    )


def trip_list(
    *, user: User, text: str = "", driver_id: int | None = None, month: dt.date | None = None
) -> QuerySet[Trip]:
    """The user's trips, newest first; `text` is part of the woman's name (Khmer or Latin, as
    the people search matches it), `month` any day of the month wanted."""
    trips = trips_visible_to(user=user)
    if driver_id:
        trips = trips.filter(driver_id=driver_id)
    if month is not None:
        first, following = _month_bounds(month)
        trips = trips.filter(date__gte=first, date__lt=following)
    trips = records_of_women_named(records=trips, text=text)
    return trips.select_related("participant", "driver", "from_village", "to_provider").order_by(
        "-date", "-id"
    )


def driver_month(*, driver_id: int, month: dt.date, user: User) -> Statement:
    """The driver's trips of the month that the user may see (an officer: her projects' only)."""
    first, following = _month_bounds(month)
    trips = list(
        trips_visible_to(user=user)
        .filter(driver_id=driver_id, date__gte=first, date__lt=following)
        .select_related("participant", "from_village", "to_provider")
        .order_by("date", "id")
    )
    return Statement(
        driver_id=driver_id,
        month=first,
        trips=trips,
        total=sum(trip.fare for trip in trips),
        payment=DriverPayment.objects.filter(driver_id=driver_id, month=first)
        .select_related("approved_by")
        .first(),
    )


def drivers_visible_to(*, user: User) -> QuerySet[Driver]:
    if not user.is_authenticated or not user.may_edit_records:
        return Driver.objects.none()
    if user.sees_every_project:
        return Driver.objects.all()
    return Driver.objects.filter(
        contracts__project__in=projects_visible_to(user=user).values("id")
    ).distinct()


@dataclass(frozen=True)
class DriverMonth:
    month: dt.date
    trips: int
    total: int

    @property
    def key(self) -> str:
        return f"{self.month:%Y-%m}"


@dataclass(frozen=True)
class DriverRow:
    driver: Driver
    months: list[DriverMonth]


def drivers_with_months(*, user: User, limit: int = 6) -> list[DriverRow]:
    """The drivers the user may see, each with the latest months he worked for her projects
    (trips and total, newest first): two queries however many drivers there are."""
    drivers = list(drivers_visible_to(user=user).select_related("commune").order_by("name", "id"))
    rows = (
        trips_visible_to(user=user)
        .filter(driver__in=[d.pk for d in drivers])
        .values("driver_id", "date__year", "date__month")
        .annotate(total=Sum("fare"), trips=Count("id"))
        .order_by("driver_id", "-date__year", "-date__month")
    )
    months: dict[int, list[DriverMonth]] = defaultdict(list)
    for r in rows:
        if len(months[r["driver_id"]]) < limit:
            months[r["driver_id"]].append(
                DriverMonth(
                    month=dt.date(r["date__year"], r["date__month"], 1),
                    trips=r["trips"],
                    total=r["total"],
                )
            )
    return [DriverRow(driver=d, months=months.get(d.pk, [])) for d in drivers]


def trip_timeline(participant: Participant, user: User) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            date=trip.date,
            kind=_("Tuk-tuk trip"),
            title=f"{trip.from_village.name} → {trip.to_provider.name}",
            detail=trip.driver.name,
        )
        for trip in trips_visible_to(user=user)
        .filter(participant=participant)
        .select_related("from_village", "to_provider", "driver")
    ]
