"""Pages for transport: drivers, booking a trip, and a driver's monthly statement (page and XLSX)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tonle.accounts.decorators import editor_required
from tonle.accounts.guards import guarded_get
from tonle.accounts.models import AccessAction
from tonle.accounts.services import access_log
from tonle.lib.forms import error_text
from tonle.lib.paging import id_in_query, page_of
from tonle.lib.spreadsheets import xlsx_response
from tonle.lib.templatetags.tonle import format_count
from tonle.people.models import Participant
from tonle.people.recording import record_for_person
from tonle.referrals.selectors import referrals_visible_to
from tonle.transport.forms import PaidForm, TripForm
from tonle.transport.models import Driver, DriverPayment, Trip
from tonle.transport.selectors import (
    Statement,
    contracts_for_trip,
    driver_month,
    drivers_visible_to,
    drivers_with_months,
    trip_list,
)
from tonle.transport.services import payment_approve, payment_mark_paid, trip_record


def _driver(request: HttpRequest, driver_id: int) -> Driver:
    return guarded_get(
        visible=drivers_visible_to(user=request.user), record_type="driver", record_id=driver_id
    )


def _may_approve(request: HttpRequest) -> bool:
    """Approving a statement and paying it belong to the managers, not to field officers."""
    return request.user.is_manager


def _approver_only(request: HttpRequest) -> None:
    if not _may_approve(request):
        raise PermissionDenied


def _trip_date(request: HttpRequest) -> dt.date:
    """The date the trip form is for: the one sent, or today when none (or no valid one) is."""
    text = (request.POST or request.GET).get("date", "")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return timezone.localdate()


def _month(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{text}-01")
    except ValueError as bad:
        raise Http404 from bad


@require_GET
@editor_required
def drivers(request: HttpRequest) -> HttpResponse:
    rows = drivers_with_months(user=request.user)
    return render(request, "transport/drivers.html", {"rows": rows})


@require_GET
@editor_required
def trips(request: HttpRequest) -> HttpResponse:
    """Every trip the user may see, found by the woman's name, the driver or the month."""
    text = request.GET.get("q", "").strip()
    driver_id = id_in_query(request.GET.get("driver"))
    month = request.GET.get("month", "")
    try:
        month_start = dt.date.fromisoformat(f"{month}-01") if month else None
    except ValueError:
        month, month_start = "", None
    found = trip_list(user=request.user, text=text, driver_id=driver_id, month=month_start)
    return render(
        request,
        "transport/trips.html",
        {"trips": page_of(request, found), "q": text, "driver_id": driver_id, "month": month,
         "drivers": drivers_visible_to(user=request.user)},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@editor_required
def trip_new(request: HttpRequest, participant_id: int) -> HttpResponse:
    """Book a trip for her, from her page or (with ?referral=) from one of her referrals."""
    # The contracts offered are those running on the trip's date: today's, or the date typed.
    on = _trip_date(request)
    contracts = contracts_for_trip(user=request.user, on=on)

    def form_for(person: Participant) -> TripForm:
        referrals = referrals_visible_to(user=request.user).filter(participant=person)
        wanted = id_in_query(request.GET.get("referral"))
        referral = referrals.filter(pk=wanted).first() if wanted is not None else None
        return TripForm(
            request.POST or None,
            contracts=contracts,
            villages=person.village.commune.villages.all(),
            referrals=referrals,
            initial={
                "date": on,
                "from_village": person.village_id,
                "referral": referral,
                "to_provider": referral.provider_id if referral else None,
            },
        )

    def done(trip: Trip, person: Participant) -> HttpResponse:
        messages.success(
            request, _("The trip is booked: %(fare)s riel.") % {"fare": format_count(trip.fare)}
        )
        if trip.referral_id:
            return redirect("referrals-detail", referral_id=trip.referral_id)
        return redirect("people-detail", participant_id=person.pk)

    return record_for_person(
        request,
        participant_id=participant_id,
        form_for=form_for,
        save=lambda person, data: trip_record(by=request.user, participant=person, **data),
        heading=_("Book a tuk-tuk trip"),
        submit=_("Book the trip"),
        done=done,
    )


@require_GET
@editor_required
def statement(request: HttpRequest, driver_id: int, month: str) -> HttpResponse:
    driver = _driver(request, driver_id)
    result = driver_month(driver_id=driver.pk, month=_month(month), user=request.user)
    if request.GET.get("format") == "xlsx":
        access_log(user=request.user, action=AccessAction.EXPORT, record_type="driver-statement",
                   record_id=f"{driver.pk}/{month}", path=request.get_full_path())  # fmt: skip
        return _statement_xlsx(driver, result)
    return render(
        request,
        "transport/statement.html",
        {"driver": driver, "statement": result, "month": month, "paid_form": PaidForm(),
         "may_approve": _may_approve(request), "trips": page_of(request, result.trips, per_page=100)},
    )  # fmt: skip


def _statement_xlsx(driver: Driver, result: Statement) -> HttpResponse:
    headers = [_("Date"), _("Woman"), _("From village"), _("To (service provider)"), _("Distance (km)"),
               _("Fare (riel)")]  # fmt: skip
    rows = [
        [trip.date.isoformat(), trip.participant.display_name, trip.from_village.name,
         trip.to_provider.name, float(trip.distance_km or 0), trip.fare]
        for trip in result.trips
    ]  # fmt: skip
    rows.append(["", "", "", "", _("Total"), result.total])
    return xlsx_response(
        filename=f"statement-{driver.pk}-{result.month:%Y-%m}.xlsx", sheet_name=f"{result.month:%Y-%m}",
        headers=headers, rows=rows, widths=[12, 28, 28, 28, 14, 14], money_columns=[5],
    )  # fmt: skip


@require_POST
@editor_required
def statement_approve(request: HttpRequest, driver_id: int, month: str) -> HttpResponse:
    driver = _driver(request, driver_id)
    _approver_only(request)
    try:
        payment_approve(by=request.user, driver_id=driver.pk, month=_month(month))
    except ValidationError as invalid:
        messages.error(request, error_text(invalid))
    return redirect("transport-statement", driver_id=driver.pk, month=month)


@require_POST
@editor_required
def statement_paid(request: HttpRequest, driver_id: int, month: str) -> HttpResponse:
    driver = _driver(request, driver_id)
    _approver_only(request)
    payment = guarded_get(
        visible=DriverPayment.objects.filter(driver=driver),
        record_type="driver-statement",
        record_id=f"{driver.pk}/{month}",
        month=_month(month),
    )
    form = PaidForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"paid_on": _("Give the date it was paid.")})
        payment_mark_paid(by=request.user, payment=payment, paid_on=form.cleaned_data["paid_on"])
    except ValidationError as invalid:
        messages.error(request, error_text(invalid))
    return redirect("transport-statement", driver_id=driver.pk, month=month)
