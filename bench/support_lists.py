"""Measure the supervisor's overdue list and a driver's monthly statement at scale, on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from common import (
    Benchmark,
    Loader,
    Phases,
    Row,
    add_run_options,
    bench_parser,
    build_facts,
    bulk_load,
    captured_queries,
    create_admin,
    create_project,
    explain_queries,
    fmt_ms,
    log,
    median_row,
    missed,
    p90,
    page_getter,
    run,
    timings,
)

DEFAULT_PEOPLE = 300_000
DEFAULT_SESSIONS = 1_000_000
DEFAULT_REFERRALS = 500_000
TRIPS_PER_REFERRAL = 0.3  # 150,000 trips at full size
OFFICERS = 40
SMART_WOMEN_PER_OFFICER = 12
OFFICERS_OWN_CASES = 0.15  # the rest of the cases are held by Smart Women
PROVIDERS = 60
DRIVERS = 20
PROJECT_SLUG = "bench-support"
ADMIN_USERNAME = "bench-admin"
MANAGER_USERNAME = "bench-me-manager"
MEASURED_OFFICER = "bench-officer-01"
REGISTERED = (dt.date(2015, 1, 1), dt.date(2021, 12, 31))
OPENED = (dt.date(2022, 1, 1), dt.date(2023, 12, 31))
# Referrals and trips from the start of the transport contracts to the day of the build, so
# a driver's month holds a few hundred trips.
REFERRED_FROM = dt.date(2023, 1, 1)
QUIET_DAYS = 60  # tonle.cases.selectors.QUIET_DAYS
SEED = 20250202
# Bump when the generated data changes shape, so an old build is not reused.
DATA_VERSION = 1

TARGET_PAGE_MS = 300.0
LIST_LIMIT = 200  # the supervision page shows the first 200 of each list


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = bench_parser(__doc__)
    parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE, help="participants")
    parser.add_argument("--sessions", type=int, default=DEFAULT_SESSIONS)
    parser.add_argument(
        "--referrals",
        type=int,
        default=DEFAULT_REFERRALS,
        help=f"referrals; {TRIPS_PER_REFERRAL:.0%} of them get a tuk-tuk trip",
    )
    parser.add_argument(
        "--target-ms",
        type=float,
        default=TARGET_PAGE_MS,
        help="the pages' target (the issue's is 300); a page that misses it gets its plans printed",
    )
    add_run_options(parser)
    args = parser.parse_args(argv)
    if args.people < 100 or args.sessions < 0 or args.referrals < 100:
        parser.error("--people and --referrals must be at least 100")
    return args


def main() -> int:
    args = parse_args()
    bench = Benchmark(
        script=__file__,
        name="support",
        version=DATA_VERSION,
        sizes={"people": args.people, "sessions": args.sessions, "referrals": args.referrals},
        full_size=(args.people, args.sessions, args.referrals)
        == (DEFAULT_PEOPLE, DEFAULT_SESSIONS, DEFAULT_REFERRALS),
        title=f"Tonle support-work benchmark: {args.people:,} participants and cases, "
        f"{args.sessions:,} sessions, {args.referrals:,} referrals, "
        f"{round(args.referrals * TRIPS_PER_REFERRAL):,} trips",
    )
    return run(
        bench,
        args,
        build=lambda db, phase: build(db, args, phase),
        measure=lambda db: measure(db, args),
    )


# ---------------------------------------------------------------------------------------
# Building the data.


@dataclass
class Staff:
    """What the raw rows point to, made through the ORM first."""

    project_id: int
    admin_id: int
    manager_id: int
    villages: list[int]
    officers: list[int]
    smart_women: list[int]
    providers: list[int]
    contracts: list[tuple[int, int, str, int]]  # (id, driver id, fare rule, rate)


def build(db: str, args: argparse.Namespace, phase: Phases) -> dict[str, Any]:
    from django.utils import timezone

    from tonle.cases.models import Case, Session
    from tonle.referrals.models import Referral
    from tonle.transport.models import DriverPayment, Trip

    # Sessions and referrals run up to the day of the build, so that the lists hold what a
    # supervisor sees on a working day: most open cases seen lately, some gone quiet.
    today = timezone.localdate()
    staff = setup_staff()
    phase("project+staff")
    rng = random.Random(SEED + 1)
    bulk_load(
        db,
        rng,
        phase,
        models=[Case, Session, Referral, Trip, DriverPayment],
        people={
            "villages": staff.villages,
            "admin_id": staff.admin_id,
            "count": args.people,
            "registered": REGISTERED,
        },
        then=lambda loader, people: load_support_work(
            loader, rng, staff, people, args, today, phase
        ),
    )
    return {"today": today.isoformat()}


def setup_staff() -> Staff:
    """The project, an M&E manager, field officers and their Smart Women, providers, drivers."""
    from django.contrib.auth.hashers import make_password

    from tonle.accounts.models import Role, User
    from tonle.demo.names import FAMILY_NAMES, GIVEN_NAMES
    from tonle.programs.models import ProjectMembership
    from tonle.referrals.models import ProviderKind, ServiceProvider
    from tonle.transport.models import Contract, Driver, FareRule

    rng = random.Random(SEED)
    admin = create_admin(ADMIN_USERNAME)
    project, villages = create_project(
        slug=PROJECT_SLUG,
        name_en="Support for women: coaching, referrals and transport",
        name_km="ការគាំទ្រស្ត្រី៖ ការបង្វឹក ការបញ្ជូន និងការដឹកជញ្ជូន",
        starts_on=OPENED[0],
        ends_on=dt.date(2027, 12, 31),
    )

    def person(username: str, role: str, supervisor: User | None) -> User:
        _family_km, family = rng.choice(FAMILY_NAMES)
        _given_km, given = rng.choice(GIVEN_NAMES)
        return User(
            username=username,
            role=role,
            first_name=given,
            last_name=family,
            supervisor=supervisor,
            password=make_password(None),
        )

    manager = person(MANAGER_USERNAME, Role.ME_MANAGER, None)
    manager.save()
    officers = User.objects.bulk_create(
        person(f"bench-officer-{i:02d}", Role.FIELD_OFFICER, manager)
        for i in range(1, OFFICERS + 1)
    )
    smart_women = User.objects.bulk_create(
        person(f"bench-smart-{i:02d}-{k:02d}", Role.SMART_WOMAN, officer)
        for i, officer in enumerate(officers, start=1)
        for k in range(1, SMART_WOMEN_PER_OFFICER + 1)
    )
    ProjectMembership.objects.bulk_create(
        ProjectMembership(project=project, user=user) for user in [*officers, *smart_women]
    )
    kinds = list(ProviderKind)
    communes = [village.commune for village in villages]
    providers = ServiceProvider.objects.bulk_create(
        ServiceProvider(
            name_en=f"{kinds[i % len(kinds)].label} {communes[i % len(communes)].name_en} {i + 1}",
            name_km=f"{communes[i % len(communes)].name_km} {i + 1}",
            kind=kinds[i % len(kinds)],
            commune=communes[i % len(communes)],
            village=villages[i % len(villages)] if i % 3 == 0 else None,
        )
        for i in range(PROVIDERS)
    )
    drivers = Driver.objects.bulk_create(
        Driver(
            name=f"{rng.choice(FAMILY_NAMES)[1]} {rng.choice(['Dara', 'Sokha', 'Vannak', 'Rith'])}",
            phone=f"012{rng.randint(100000, 999999)}",
            vehicle=f"Phnom Penh 1A-{rng.randint(1000, 9999)}",
            commune_id=villages[i % len(villages)].commune_id,
        )
        for i in range(DRIVERS)
    )
    contracts = Contract.objects.bulk_create(
        Contract(
            driver=driver,
            project=project,
            starts_on=REFERRED_FROM,
            ends_on=dt.date(2027, 12, 31),
            fare_rule=FareRule.PER_TRIP if i % 2 == 0 else FareRule.PER_KM,
            rate=10_000 if i % 2 == 0 else 1_500,
            ceiling=20_000 if i % 2 == 0 else 40_000,
        )
        for i, driver in enumerate(drivers)
    )
    return Staff(
        project_id=project.pk,
        admin_id=admin.pk,
        manager_id=manager.pk,
        villages=[v.pk for v in villages],
        officers=[u.pk for u in officers],
        smart_women=[u.pk for u in smart_women],
        providers=[p.pk for p in providers],
        contracts=[(c.pk, c.driver_id, c.fare_rule, c.rate) for c in contracts],
    )


def load_support_work(
    loader: Loader,
    rng: random.Random,
    staff: Staff,
    people: list[tuple[int, int]],
    args: argparse.Namespace,
    today: dt.date,
    phase: Phases,
) -> None:
    """Cases and their sessions, referrals, trips and the drivers' approved months."""
    from tonle.cases.models import Case, Session
    from tonle.referrals.models import Referral
    from tonle.transport.models import DriverPayment, Trip

    plan = SessionPlan()
    loader.insert_model(
        Case, CASE_FIELDS, case_rows(rng, staff, people, args.sessions, today, plan, loader)
    )
    case_ids = [c for (c,) in loader.fetch(f"SELECT id FROM {Case._meta.db_table} ORDER BY id")]
    phase("cases")
    loader.insert_model(Session, SESSION_FIELDS, session_rows(rng, case_ids, plan, loader.tz))
    del plan, case_ids
    phase("sessions")
    trips: list[tuple] = []
    loader.insert_model(
        Referral, REFERRAL_FIELDS, referral_rows(rng, staff, people, args, today, trips, loader)
    )
    referral_ids = [
        r for (r,) in loader.fetch(f"SELECT id FROM {Referral._meta.db_table} ORDER BY id")
    ]
    phase("referrals")
    months: Counter[tuple[int, dt.date]] = Counter()
    totals: Counter[tuple[int, dt.date]] = Counter()
    loader.insert_model(
        Trip,
        TRIP_FIELDS,
        trip_rows(rng, staff, trips, referral_ids, today, months, totals, loader.tz),
    )
    loader.insert_model(
        DriverPayment, PAYMENT_FIELDS, payment_rows(staff, months, totals, today, loader.tz)
    )
    phase("trips")


class SessionPlan:
    """Each case's worker and session dates, kept compact between the cases and their sessions."""

    def __init__(self) -> None:
        self.worker = array("q")
        self.start = array("q", [0])  # the case's sessions are start[i]:start[i + 1]
        self.date = array("l")  # proleptic ordinals
        self.follow_up = array("l")  # 0: none

    def add(self, worker: int, dates: list[dt.date], follow_ups: list[dt.date | None]) -> None:
        self.worker.append(worker)
        self.date.extend(d.toordinal() for d in dates)
        self.follow_up.extend(f.toordinal() if f else 0 for f in follow_ups)
        self.start.append(len(self.date))


CASE_FIELDS = [
    "participant",
    "project",
    "kind",
    "worker",
    "opened_on",
    "closed_on",
    "status",
    "risk",
    "consent_given",
    "consent_date",
    "last_contact_on",
    "next_follow_up_on",
]
SESSION_FIELDS = [
    "case",
    "date",
    "duration_minutes",
    "notes",
    "follow_up_on",
    "recorded_by",
    "recorded_at",
]
REFERRAL_FIELDS = [
    "participant",
    "project",
    "provider",
    "service",
    "reason",
    "consent_given",
    "consent_date",
    "share_phone",
    "share_age",
    "share_village",
    "share_reason",
    "status",
    "sent_on",
    "referred_by",
]
TRIP_FIELDS = [
    "contract",
    "driver",
    "date",
    "participant",
    "from_village",
    "to_provider",
    "referral",
    "distance_km",
    "fare",
    "recorded_by",
    "recorded_at",
]
PAYMENT_FIELDS = ["driver", "month", "trips", "total", "approved_by", "approved_at", "paid_on"]


def _day(first: dt.date, last: dt.date, rng: random.Random) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def case_rows(
    rng: random.Random,
    staff: Staff,
    people: list[tuple[int, int]],
    sessions: int,
    today: dt.date,
    plan: SessionPlan,
    loader: Loader,
) -> Iterator[tuple]:
    """One case a woman; the sessions fall on cases at random (some get none).

    Most open cases were seen in the last 60 days; the others, and those with no session
    since they opened, have gone quiet. The case's last contact and next follow-up are
    those of its latest session, as the services keep them.
    """
    counts = [0] * len(people)
    for _ in range(sessions):
        counts[rng.randrange(len(people))] += 1
    kinds = ["coaching"] * 9 + ["mentoring"] * 7 + ["counselling"] * 4
    risks = ["low"] * 14 + ["medium"] * 4 + ["high"] * 2
    for (participant_id, _village), n in zip(people, counts, strict=True):
        if rng.random() < OFFICERS_OWN_CASES:
            worker = rng.choice(staff.officers)
        else:
            worker = rng.choice(staff.smart_women)
        opened = _day(*OPENED, rng)
        closed = rng.random() < 0.2
        if n == 0:
            last = opened
        elif closed:
            last = _day(opened, min(today, opened + dt.timedelta(days=540)), rng)
        elif rng.random() < 0.75:
            last = today - dt.timedelta(days=rng.randint(0, QUIET_DAYS - 1))
        else:
            last = _day(opened, today - dt.timedelta(days=QUIET_DAYS), rng)
        dates = [*sorted(_day(opened, last, rng) for _ in range(n - 1)), last] if n else []
        follow_ups = [
            d + dt.timedelta(days=rng.randint(7, 45)) if rng.random() < 0.7 else None for d in dates
        ]
        plan.add(worker, dates, follow_ups)
        closed_on = min(today, last + dt.timedelta(days=rng.randint(0, 30))) if closed else None
        yield (
            participant_id,
            staff.project_id,
            rng.choice(kinds),
            worker,
            opened.isoformat(),
            closed_on.isoformat() if closed_on else None,
            "closed" if closed else "open",
            rng.choice(risks),
            loader.true,
            opened.isoformat(),
            last.isoformat(),
            follow_ups[-1].isoformat() if follow_ups and follow_ups[-1] else None,
        )


SESSION_NOTES = [
    "",
    "",
    "",
    "Talked about her savings group and the next loan.",
    "She practised the business plan with the group.",
    "Follow up on the school fees for her daughter.",
    "Visited at home; her husband joined at the end.",
]


def session_rows(
    rng: random.Random, case_ids: list[int], plan: SessionPlan, tz: str
) -> Iterator[tuple]:
    """The planned sessions, case by case in date order, recorded by the case's worker."""
    for i, case_id in enumerate(case_ids):
        worker = plan.worker[i]
        for k in range(plan.start[i], plan.start[i + 1]):
            day = dt.date.fromordinal(plan.date[k]).isoformat()
            follow_up = plan.follow_up[k]
            yield (
                case_id,
                day,
                rng.choice([20, 30, 30, 45, 60, 90]),
                rng.choice(SESSION_NOTES),
                dt.date.fromordinal(follow_up).isoformat() if follow_up else None,
                worker,
                f"{day} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:00{tz}",
            )


REASONS = {
    "national_id": "She has no ID card and cannot open a bank account.",
    "birth_certificate": "Her children need birth certificates for school.",
    "family_book": "The family book lost in the flood must be made again.",
    "health_visit": "Pregnant, no antenatal visit yet.",
    "legal_aid": "A land dispute with a neighbour.",
    "protection": "She asked for help to be safe at home.",
    "social_assistance": "The family may qualify for IDPoor.",
    "other": "She asked for advice.",
}
STATUSES = ["sent"] * 4 + ["received"] * 3 + ["given"] * 9 + ["declined"] * 2 + ["no_show"] * 2


def referral_rows(
    rng: random.Random,
    staff: Staff,
    people: list[tuple[int, int]],
    args: argparse.Namespace,
    today: dt.date,
    trips: list[tuple],
    loader: Loader,
) -> Iterator[tuple]:
    """Referrals with her consent, sent by field officers; some get a trip, planned in `trips`."""
    true, false = loader.true, loader.false
    services = list(REASONS)
    for i in range(args.referrals):
        participant_id, village_id = rng.choice(people)
        provider_id = rng.choice(staff.providers)
        sent_on = _day(REFERRED_FROM, today, rng)
        service = rng.choice(services)
        if rng.random() < TRIPS_PER_REFERRAL:
            trips.append((i, participant_id, village_id, provider_id, sent_on))
        yield (
            participant_id,
            staff.project_id,
            provider_id,
            service,
            REASONS[service],
            true,
            sent_on.isoformat(),
            true if rng.random() < 0.5 else false,
            true if rng.random() < 0.4 else false,
            true if rng.random() < 0.9 else false,
            true if rng.random() < 0.7 else false,
            rng.choice(STATUSES),
            sent_on.isoformat(),
            rng.choice(staff.officers),
        )


def trip_rows(
    rng: random.Random,
    staff: Staff,
    trips: list[tuple],
    referral_ids: list[int],
    today: dt.date,
    months: Counter[tuple[int, dt.date]],
    totals: Counter[tuple[int, dt.date]],
    tz: str,
) -> Iterator[tuple]:
    """A trip to the provider a few days after the referral, in the order they happened.

    Drivers are not equally busy (the busiest does four times the trips of the least);
    `months` and `totals` count each driver's trips and fares a month.
    """
    weights = [0.4 + 1.2 * k / (DRIVERS - 1) for k in range(DRIVERS)]
    planned = []
    for index, participant_id, village_id, provider_id, sent_on in trips:
        contract = rng.choices(staff.contracts, weights)[0]
        day = min(today, sent_on + dt.timedelta(days=rng.randint(0, 5)))
        planned.append((day, contract, index, participant_id, village_id, provider_id))
    planned.sort(key=lambda trip: (trip[0], trip[2]))
    for day, (contract_id, driver_id, fare_rule, rate), index, person, village, provider in planned:
        km = Decimal(rng.randint(15, 200)) / 10
        if fare_rule == "per_trip":
            fare = rate
            distance = km if rng.random() < 0.5 else None
        else:
            fare = int((rate * km).quantize(Decimal(1), ROUND_HALF_UP))
            distance = km
        month = day.replace(day=1)
        months[driver_id, month] += 1
        totals[driver_id, month] += fare
        yield (
            contract_id,
            driver_id,
            day.isoformat(),
            person,
            village,
            provider,
            referral_ids[index],
            str(distance) if distance is not None else None,
            fare,
            rng.choice(staff.officers),
            f"{day.isoformat()} {rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}:00{tz}",
        )


def payment_rows(
    staff: Staff,
    months: Counter[tuple[int, dt.date]],
    totals: Counter[tuple[int, dt.date]],
    today: dt.date,
    tz: str,
) -> Iterator[tuple]:
    """Every month before this one approved by the M&E manager, and paid ten days later."""
    for (driver_id, month), trips in sorted(months.items()):
        following = (month + dt.timedelta(days=32)).replace(day=1)
        if following > today:
            continue
        approved = following + dt.timedelta(days=2)
        paid = approved + dt.timedelta(days=8)
        yield (
            driver_id,
            month.isoformat(),
            trips,
            totals[driver_id, month],
            staff.manager_id,
            f"{min(approved, today).isoformat()} 10:00:00{tz}",
            paid.isoformat() if paid <= today else None,
        )


# ---------------------------------------------------------------------------------------
# Measuring.


@dataclass
class Measured:
    """One thing timed: a page through the whole stack, or a selector alone."""

    name: str
    label: str
    call: Callable[[], object]
    target: float | None
    detail: str


def measure(db: str, args: argparse.Namespace) -> list[Row]:
    from django.db.models import Count
    from django.db.models.functions import TruncMonth
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from tonle.accounts.models import User
    from tonle.cases.models import Case, CaseStatus, Session
    from tonle.cases.selectors import cases_gone_quiet, follow_ups_due
    from tonle.transport.models import Trip
    from tonle.transport.selectors import driver_month

    officer = User.objects.get(username=MEASURED_OFFICER)
    manager = User.objects.get(username=MANAGER_USERNAME)
    supervised = User.objects.filter(supervisor=officer).count()
    log(
        f"measuring on {Case.objects.count():,} cases, {Session.objects.count():,} sessions, "
        f"{Trip.objects.count():,} trips; data dated {build_facts().get('today')}, "
        f"today {timezone.localdate()}"
    )
    busiest = (
        Trip.objects.annotate(month=TruncMonth("date"))
        .values("driver_id", "month")
        .annotate(trips=Count("id"))
        .order_by("-trips", "driver_id", "month")
        .first()
    )
    driver_id, month, busiest_trips = busiest["driver_id"], busiest["month"], busiest["trips"]

    supervision_url = reverse("cases-supervision")
    statement_url = reverse("transport-statement", args=[driver_id, f"{month:%Y-%m}"])
    things: list[Measured] = []
    for who, user in (("officer", officer), ("manager", manager)):
        client = Client(HTTP_HOST="localhost")  # a host the settings allow
        client.force_login(user)
        page = page_getter(client)
        html = page(supervision_url).decode()
        shown = html.count('<a class="who"')
        mine = Case.objects.filter(status=CaseStatus.OPEN)
        if who == "officer":
            mine = mine.filter(worker__in=[user.pk, *user.supervisees.values_list("pk", flat=True)])
            whose = f"{user.username}, who supervises {supervised} Smart Women"
        else:
            whose = f"{user.username}, who sees every case"
        quiet_n = cases_gone_quiet(user=user).count()
        due_n = follow_ups_due(user=user).count()
        things.append(
            Measured(
                f"supervision-{who}",
                f"supervision page as {user.username}",
                lambda page=page: page(supervision_url),
                args.target_ms,
                f"GET {supervision_url} as {whose} ({mine.count():,} open cases): "
                f"{quiet_n:,} gone quiet and {due_n:,} follow-ups due, {shown} rows shown",
            )
        )
        things.append(
            Measured(
                f"  quiet-list-{who}",
                f"cases_gone_quiet as {user.username}",
                lambda user=user: list(cases_gone_quiet(user=user)[:LIST_LIMIT]),
                None,
                f"cases_gone_quiet(user=<{who}>)[:{LIST_LIMIT}] as a list",
            )
        )
        things.append(
            Measured(
                f"  due-list-{who}",
                f"follow_ups_due as {user.username}",
                lambda user=user: list(follow_ups_due(user=user)[:LIST_LIMIT]),
                None,
                f"follow_ups_due(user=<{who}>)[:{LIST_LIMIT}] as a list",
            )
        )
        if who == "manager":
            html = page(statement_url).decode()
            # One fare cell a trip (and perhaps a few more figures).
            if html.count('<td class="n">') < busiest_trips:
                raise SystemExit(f"the statement does not show its {busiest_trips} trips")
            things.append(
                Measured(
                    "statement-page",
                    f"statement page of driver {driver_id}, {month:%Y-%m}",
                    lambda page=page: page(statement_url),
                    args.target_ms,
                    f"GET {statement_url} as {user.username}: the busiest driver-month, "
                    f"{busiest_trips} trips",
                )
            )
    things.append(
        Measured(
            "  driver-month",
            f"driver_month of driver {driver_id}, {month:%Y-%m}",
            lambda: driver_month(driver_id=driver_id, month=month, user=manager),
            None,
            f"driver_month(driver_id={driver_id}, month={month:%Y-%m}): {busiest_trips} trips",
        )
    )

    rows = []
    for thing in things:
        times = timings(thing.call, args.repeat)
        queries = len(captured_queries(thing.call))
        rows.append(
            median_row(
                thing.name,
                times,
                thing.target,
                f"{thing.detail}; {queries} quer{'y' if queries == 1 else 'ies'}, "
                f"{args.repeat} runs, p90 {fmt_ms(p90(times))}, max {fmt_ms(max(times))}",
            )
        )
        log(f"{thing.name.strip()}: median {statistics.median(times):,.1f} ms")

    # The plans: of every query of anything that missed its target (these pages run a
    # handful), and with --explain of every query slower than --explain-ms. (On SQLite the
    # query log times only the first step of a query, not the reading of its rows, so
    # --explain-ms finds little there.)
    for thing, result in zip(things, rows, strict=True):
        if missed(result):
            log(f"{thing.name.strip()} missed its target: the plans of its queries")
            explain_queries(db, [(thing.label, thing.call)], min_ms=0)
        elif args.explain:
            explain_queries(db, [(thing.label, thing.call)], min_ms=args.explain_ms)
    return rows


if __name__ == "__main__":
    sys.exit(main())
