"""Measure registry search, unique reach, the attendance page and page weight at scale, on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import random
import re
import statistics
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from common import (
    ROOT,
    Benchmark,
    Loader,
    Phases,
    Row,
    add_run_options,
    bench_parser,
    bulk_load,
    create_admin,
    create_project,
    explain_queries,
    fmt_kb,
    fmt_ms,
    log,
    median_row,
    p90,
    page_getter,
    row,
    run,
    timed,
    timings,
)

DEFAULT_PEOPLE = 300_000
DEFAULT_ATTENDANCES = 5_000_000
# 5,000,000 attendances over ~20,000 activities, as the issue sizes it.
ATTENDEES_PER_ACTIVITY = 250
PINNED_SIZE = 300
PINNED_TITLE = "Bench: the activity of 300"
PROJECT_SLUG = "bench-reach"
ADMIN_USERNAME = "bench-admin"
START, END = dt.date(2015, 1, 1), dt.date(2024, 12, 31)
SEED = 20250101
# Bump when the generated data changes shape, so an old build is not reused.
DATA_VERSION = 1

TARGET_SEARCH_MS = 100.0
TARGET_REACH_MS = 50.0  # issue 11: the dashboard's figures at 5 million attendances
TARGET_CHANGE_MS = 1000.0  # the figures right after a change
TARGET_DRILL_MS = 200.0
TARGET_PAGE_MS = 200.0
TARGET_WEIGHT_BYTES = 150_000  # 1 KB = 1000 bytes, the stricter reading of "150 KB"

# Names of women who are not in the generated registry: a search for someone not yet
# registered finds nobody, so it cannot stop early at the 50th match; without an index
# that serves "contains", it reads every key.
MISSING_LATIN = ["Vuthy", "Rithy", "Bunthoeun", "Sovannara"]
MISSING_KHMER = ["វុទ្ធី", "ឫទ្ធី", "ប៊ុនធឿន", "សុវណ្ណារ៉ា"]


def add_size_options(parser: argparse.ArgumentParser) -> None:
    """The sizes of the registry data; the grid bench reads the same data, so asks the same."""
    parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE)
    parser.add_argument("--attendances", type=int, default=DEFAULT_ATTENDANCES)
    parser.add_argument(
        "--activities",
        type=int,
        default=None,
        help=f"default: attendances / {ATTENDEES_PER_ACTIVITY} (20,000 at full size)",
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = bench_parser(__doc__)
    add_size_options(parser)
    parser.add_argument("--reach-repeat", type=int, default=3, help="timed runs of reach_figures")
    parser.add_argument(
        "--sql-reach",
        action="store_true",
        help="also time the figures straight from SQL (sql_reach_figures), query by query",
    )
    add_run_options(parser)
    args = parser.parse_args(argv)
    if args.activities is None:
        args.activities = max(1, args.attendances // ATTENDEES_PER_ACTIVITY)
    if args.people < 6 * PINNED_SIZE:
        parser.error(f"--people must be at least {6 * PINNED_SIZE} (one village holds 300)")
    if args.attendances < PINNED_SIZE + args.activities - 1:
        parser.error("--attendances is too small for that many activities")
    return args


def benchmark(args: argparse.Namespace) -> Benchmark:
    return Benchmark(
        script=__file__,
        name="",
        version=DATA_VERSION,
        sizes={
            "people": args.people,
            "attendances": args.attendances,
            "activities": args.activities,
        },
        full_size=(args.people, args.attendances, args.activities)
        == (DEFAULT_PEOPLE, DEFAULT_ATTENDANCES, DEFAULT_ATTENDANCES // ATTENDEES_PER_ACTIVITY),
        title=f"Tonle benchmark: {args.people:,} participants, {args.attendances:,} attendances, "
        f"{args.activities:,} activities",
    )


def main() -> int:
    args = parse_args()

    def measure_and_explain(db: str) -> list[Row]:
        rows = measure(args)
        if args.explain:
            explain_slow_queries(db, args)
        return rows

    return run(
        benchmark(args),
        args,
        build=lambda db, phase: build(db, args, phase),
        measure=measure_and_explain,
    )


def build(db: str, args: argparse.Namespace, phase: Phases) -> None:
    from tonle.programs.models import Attendance

    setup = setup_project(args)
    phase("project+activities")
    rng = random.Random(SEED + 1)

    def attendances(loader: Loader, people: list[tuple[int, int]]) -> None:
        pools: dict[int, list[int]] = {village: [] for village in setup.villages}
        for participant_id, village_id in people:
            pools[village_id].append(participant_id)
        sizes = activity_sizes(rng, setup, args.attendances, pools)
        loader.insert_model(
            Attendance, ATTENDANCE_FIELDS, attendance_rows(rng, setup, sizes, pools, tz=loader.tz)
        )
        phase("attendances")

    bulk_load(
        db,
        rng,
        phase,
        models=[Attendance],
        people={
            "villages": setup.villages,
            "admin_id": setup.admin_id,
            "count": args.people,
            "registered": (START, END),
        },
        then=attendances,
    )


# ---------------------------------------------------------------------------------------
# Building the data.


class Setup:
    def __init__(self, admin_id: int, villages: list[int], activities: list[tuple]) -> None:
        self.admin_id = admin_id
        self.villages = villages
        self.activities = activities  # (id, village_id, date), the pinned one first


def setup_project(args: argparse.Namespace) -> Setup:
    """The project, its six communities and its activities, through the ORM (no history)."""
    from tonle.demo.services import ACTIVITY_TYPES, COMPONENTS, PLAN, TOPICS
    from tonle.programs.models import Activity, ActivityType, Component, Topic

    rng = random.Random(SEED)
    admin = create_admin(ADMIN_USERNAME)
    project, villages = create_project(
        slug=PROJECT_SLUG,
        name_en="Women's learning and participation, ten years",
        name_km="ការសិក្សា និងការចូលរួមរបស់ស្ត្រី ដប់ឆ្នាំ",
        starts_on=START,
        ends_on=END,
    )
    components = {
        code: Component.objects.create(project=project, code=code, name_en=en, name_km=km)
        for code, en, km in COMPONENTS
    }
    types = {
        code: ActivityType.objects.get_or_create(
            code=code, defaults={"name_en": en, "name_km": km}
        )[0]
        for code, en, km in ACTIVITY_TYPES
    }
    topics = {
        code: Topic.objects.get_or_create(code=code, defaults={"name_en": en, "name_km": km})[0]
        for code, en, km in TOPICS
    }
    days = (END - START).days
    planned = []
    for i in range(args.activities):
        village = villages[i % len(villages)]
        component = rng.choice(list(PLAN))
        type_code, topic_codes = rng.choice(PLAN[component])
        topic = topics[rng.choice(topic_codes)]
        if i == 0:
            # The pinned activity is found again by its title when the data is reused.
            en, km = f"{PINNED_TITLE} — {village.name_en}", f"{PINNED_TITLE} — {village.name_km}"
        else:
            en = f"{types[type_code].name_en}: {topic.name_en} — {village.name_en}"
            km = f"{types[type_code].name_km}៖ {topic.name_km} — {village.name_km}"
        planned.append(
            Activity(
                project=project,
                component=components[component],
                activity_type=types[type_code],
                topic=topic,
                **activity_title(en, km),
                date=END - dt.timedelta(days=7)
                if i == 0
                else START + dt.timedelta(rng.randint(0, days)),
                village=village,
                place=rng.choice(
                    ["Pagoda hall", "Village chief's house", "Commune office", "School"]
                ),
                facilitator=rng.choice(["Sreymom Chan", "Kanha Heng", "Vanna Ly", "Rachana Tep"]),
                created_by=admin,
            )
        )
    Activity.objects.bulk_create(planned, batch_size=2000)
    activities = list(
        Activity.objects.filter(project=project)
        .order_by("id")
        .values_list("id", "village_id", "date")
    )
    return Setup(admin.pk, [v.pk for v in villages], activities)


def activity_title(en: str, km: str) -> dict[str, str]:
    """The title fields of an activity: one `title`, or (since bilingual titles) two names."""
    from tonle.programs.models import Activity

    fields = {field.name for field in Activity._meta.concrete_fields}
    return {"title": en} if "title" in fields else {"name_en": en, "name_km": km}


def pinned_activity(project: Any) -> Any:
    from tonle.programs.models import Activity

    field = next(iter(activity_title(PINNED_TITLE, "")))
    return Activity.objects.get(project=project, **{f"{field}__startswith": PINNED_TITLE})


ATTENDANCE_FIELDS = ["activity", "participant", "source", "recorded_at", "recorded_by"]


def activity_sizes(
    rng: random.Random, setup: Setup, total: int, pools: dict[int, list[int]]
) -> list[int]:
    """Attendees per activity: the pinned one exactly 300, the rest varied, summing to `total`."""
    rest_activities = setup.activities[1:]
    caps = [len(pools[village]) for _id, village, _date in rest_activities]
    rest = total - PINNED_SIZE
    if rest > sum(caps):
        raise SystemExit("more attendances than the villages' women can make: raise --people")
    weights = [rng.uniform(0.4, 1.6) for _ in rest_activities]
    scale = rest / sum(weights) if weights else 0
    sizes = [min(int(w * scale), cap) for w, cap in zip(weights, caps, strict=True)]
    short = rest - sum(sizes)
    while short > 0:
        for i, cap in enumerate(caps):
            if short and sizes[i] < cap:
                sizes[i] += 1
                short -= 1
    return [PINNED_SIZE, *sizes]


def attendance_rows(
    rng: random.Random,
    setup: Setup,
    sizes: list[int],
    pools: dict[int, list[int]],
    *,
    tz: str,
) -> Iterator[tuple]:
    sources = ["web", "web", "sheet", "form"]
    for (activity_id, village_id, date), size in zip(setup.activities, sizes, strict=True):
        source = rng.choice(sources)
        day = date.isoformat()
        # In (activity, participant) order, so the unique index is filled by appending.
        for i, participant_id in enumerate(sorted(rng.sample(pools[village_id], size))):
            second = i * 7  # one woman signs in every few seconds from nine o'clock
            hour, minute = 9 + second // 3600, second // 60 % 60
            yield (
                activity_id,
                participant_id,
                source,
                f"{day} {hour:02d}:{minute:02d}:{second % 60:02d}{tz}",
                setup.admin_id,
            )


# ---------------------------------------------------------------------------------------
# Measuring.


def search_queries() -> tuple[list[str], list[str]]:
    """About thirty Latin and thirty Khmer searches, as a worker types part of a name."""
    from tonle.demo.names import FAMILY_NAMES, GIVEN_NAMES

    rng = random.Random(SEED + 2)
    latin, khmer = [], []
    for family_km, family_latin in rng.sample(FAMILY_NAMES, 6):
        latin.append(family_latin.lower())
        khmer.append(family_km)
    for _km, given_latin in rng.sample(GIVEN_NAMES, 8):
        word = given_latin.replace(" ", "").lower()
        size = rng.randint(3, min(6, len(word)))
        start = rng.randint(0, len(word) - size)
        latin.append(word[start : start + size])
    for given_km, _latin in rng.sample(GIVEN_NAMES, 12):
        khmer.append(given_km)
    for _ in range(12):
        family_km, family_latin = rng.choice(FAMILY_NAMES)
        given_km, given_latin = rng.choice(GIVEN_NAMES)
        if len(latin) < 20:
            latin.append(f"{family_latin} {given_latin}")
        else:
            latin.append(f"{family_latin} {given_latin[: rng.randint(2, 4)]}")
        if len(khmer) < 26:
            khmer.append(f"{family_km} {given_km}")
    latin.extend(MISSING_LATIN)
    khmer.extend(MISSING_KHMER)
    return latin, khmer


def measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    from django.test import Client
    from django.urls import reverse

    from tonle.accounts.models import User
    from tonle.people.models import Participant
    from tonle.people.selectors import participant_search
    from tonle.programs.models import Attendance, Project

    admin = User.objects.get(username=ADMIN_USERNAME)
    project = Project.objects.get(slug=PROJECT_SLUG)
    pinned = pinned_activity(project)
    people, attendances = Participant.objects.count(), Attendance.objects.count()
    log(f"measuring on {people:,} participants and {attendances:,} attendances")
    rows = []

    latin, khmer = search_queries()
    for name, queries in (("search-latin", latin), ("search-khmer", khmer)):
        for text in queries:  # warm the caches, as on a server that has been up a while
            list(participant_search(user=admin, text=text))
        times, found = [], []
        for text in queries:
            ms, result = timed(lambda text=text: list(participant_search(user=admin, text=text)))
            times.append(ms)
            found.append(len(result))
        slowest = queries[times.index(max(times))]
        rows.append(
            median_row(
                name,
                times,
                TARGET_SEARCH_MS,
                f"p90 {fmt_ms(p90(times))}, max {fmt_ms(max(times))} ({slowest!r}); "
                f"{len(queries)} queries, {sum(1 for n in found if n)} with matches, "
                f"{sum(1 for n in found if n == 50)} full pages of 50",
            )
        )
        log(f"{name}: median {statistics.median(times):.1f} ms")

    client = Client(HTTP_HOST="localhost")  # a host the settings allow
    client.force_login(admin)

    page = page_getter(client)

    search_text = latin[0]
    people_url = reverse("people-list")
    times = timings(lambda: page(people_url, {"q": search_text}), args.repeat)
    rows.append(
        median_row(
            "search-view",
            times,
            TARGET_SEARCH_MS,
            f"GET /people/?q={search_text} through the whole stack, {args.repeat} runs, "
            f"max {fmt_ms(max(times))}",
        )
    )
    log(f"search-view: median {statistics.median(times):.1f} ms")

    activity_url = reverse("programs-activity", args=[pinned.pk])
    html = page(activity_url).decode()
    # The heading counts every woman present; the list below it is paged (50 a page).
    present = f"{PINNED_SIZE:,} present"
    if present not in html:
        raise SystemExit(f"the pinned activity does not say “{present}”")
    times = [timed(lambda: page(activity_url))[0] for _ in range(args.repeat)]
    rows.append(
        median_row(
            "attendance-page",
            times,
            TARGET_PAGE_MS,
            f"GET {activity_url}, {PINNED_SIZE} attendees (a page of them), {args.repeat} runs, "
            f"max {fmt_ms(max(times))}",
        )
    )
    log(f"attendance-page: median {statistics.median(times):.1f} ms")

    rows.extend(measure_reach(args, admin, project, pinned))

    dashboard_url = reverse("results-dashboard", args=[project.slug])
    ms, dashboard_html = timed(lambda: page(dashboard_url))
    rows.append(row("dashboard-page", "once", ms, "ms", None, f"GET {dashboard_url}"))

    pages = {
        "dashboard": dashboard_html,
        "people-search": page(people_url, {"q": search_text}),
        "attendance": page(activity_url),
    }
    rows.extend(page_weights(pages))
    return rows


def measure_reach(
    args: argparse.Namespace, admin: Any, project: Any, pinned: Any
) -> list[dict[str, Any]]:
    """The dashboard's figures: steady state, right after a change, and (optionally) from SQL."""
    from tonle.people.models import Participant, Sex
    from tonle.programs.models import Activity
    from tonle.programs.services import attendance_record, attendance_remove
    from tonle.results import reach
    from tonle.results.grid import grid_rebuild

    rows = []
    ms, grid = timed(lambda: grid_rebuild(project=project, definition=reach.REACH))
    rows.append(
        row(
            "reach-rebuild",
            "once",
            ms,
            "ms",
            None,
            f"grid_rebuild(definition=REACH): the grid of women and girls attending again from "
            f"the attendances, {len(grid.bitmaps):,} fine cells",
        )
    )
    log(f"reach grid rebuild: {ms:,.0f} ms")
    # The first reading of a grid works its splits out; later ones reuse them.
    ms, figures = timed(lambda: reach.reach_figures(project=project))
    rows.append(
        row("reach-figures-first", "once", ms, "ms", None, "reach_figures on a grid just read")
    )
    log(f"reach_figures (first run): {ms:,.0f} ms, total reach {figures.total:,}")
    times = [
        timed(lambda: reach.reach_figures(project=project))[0] for _ in range(args.reach_repeat)
    ]
    rows.append(
        median_row(
            "reach-figures",
            times,
            TARGET_REACH_MS,
            f"{args.reach_repeat} runs after one warm-up; total reach {figures.total:,}; "
            f"{sum(len(cells) for cells in figures.splits.values())} cells in "
            f"{len(figures.splits)} splits",
        )
    )
    log(f"reach_figures: median {statistics.median(times):,.0f} ms")

    key = max(figures.splits["district"], key=lambda cell: cell.count).key
    times = [
        timed(lambda: list(reach.reach_ids(project=project, dimension="district", key=key)))[0]
        for _ in range(args.reach_repeat)
    ]
    rows.append(
        median_row(
            "reach-drill",
            times,
            TARGET_DRILL_MS,
            f"list(reach_ids(dimension='district', key='{key}')): the ids behind the largest "
            "district's figure",
        )
    )
    # The dashboard opened just after someone took attendance: the grid catches up from
    # the history the services write. One attendance added, then removed again, so
    # the data keeps its size for the next run.
    activity = (
        Activity.objects.filter(project=project).exclude(pk=pinned.pk).order_by("-date").first()
    )
    person = (
        Participant.objects.filter(village_id=activity.village_id, sex=Sex.FEMALE)
        .exclude(attendances__activity=activity)
        .order_by("id")
        .first()
    )
    times = []
    for change in (attendance_record, attendance_remove):
        change(by=admin, activity=activity, participant=person)
        times.append(timed(lambda: reach.reach_figures(project=project))[0])
    rows.append(
        row(
            "reach-after-change",
            "max",
            max(times),
            "ms",
            TARGET_CHANGE_MS,
            "reach_figures right after one attendance was added "
            f"({fmt_ms(times[0])}) and right after it was removed ({fmt_ms(times[1])})",
        )
    )

    if args.sql_reach and hasattr(reach, "sql_reach_figures"):
        ms, _figures = timed(lambda: reach.sql_reach_figures(project=project))
        rows.append(
            row("reach-sql", "once", ms, "ms", None, "sql_reach_figures: the figures from SQL")
        )
        log(f"sql_reach_figures: {ms:,.0f} ms")
        # Which of its queries the time goes to.
        ms, _total = timed(lambda: reach.sql_reach_total(project=project))
        rows.append(row("  sql total", "once", ms, "ms", None, "COUNT(DISTINCT participant)"))
        for dimension in reach.DIMENSIONS:
            ms, cells = timed(
                lambda d=dimension: reach.sql_reach_split(project=project, dimension=d.code)
            )
            rows.append(
                row(f"  sql by {dimension.code}", "once", ms, "ms", None, f"{len(cells)} cells")
            )
    return rows


def page_weights(pages: dict[str, bytes]) -> list[dict[str, Any]]:
    """Each page's HTML plus the CSS and JS it links, found as collectstatic would find them."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    static_sizes: dict[str, tuple[int, int]] = {}
    unfound: set[str] = set()
    rows = []
    total_html = total_html_gz = 0
    for name, html in pages.items():
        # The target counts a page "with its CSS and JS"; icons and images are left out.
        refs = re.findall(
            rf'(?:href|src)="{re.escape(settings.STATIC_URL)}([^"?#]+\.(?:css|js))"', html.decode()
        )
        for ref in refs:
            if ref not in static_sizes:
                found = finders.find(ref)
                if not found:
                    # Still weigh the file the page asks for, and say that collectstatic
                    # would not ship it: the browser would get a 404 instead.
                    found = ROOT / "tonle" / "static" / ref
                    if not found.exists():
                        raise SystemExit(f"static file {ref} not found")
                    unfound.add(ref)
                data = Path(found).read_bytes()
                static_sizes[ref] = (len(data), len(gzip.compress(data)))
        static = sum(static_sizes[ref][0] for ref in refs)
        static_gz = sum(static_sizes[ref][1] for ref in refs)
        html_gz = len(gzip.compress(html))
        total_html += len(html)
        total_html_gz += html_gz
        rows.append(
            row(
                f"weight-{name}",
                "bytes",
                len(html) + static,
                "bytes",
                TARGET_WEIGHT_BYTES,
                f"HTML {fmt_kb(len(html))} + {len(refs)} static {fmt_kb(static)}; "
                f"gzipped {fmt_kb(html_gz + static_gz)}",
            )
        )
    static = sum(size for size, _gz in static_sizes.values())
    static_gz = sum(gz for _size, gz in static_sizes.values())
    # The target is each page's; the three together, static files once, are for information.
    rows.append(
        row(
            "weight-3-pages-sum",
            "bytes",
            total_html + static,
            "bytes",
            None,
            f"3 HTML {fmt_kb(total_html)} + static once {fmt_kb(static)} "
            f"({', '.join(sorted(static_sizes))}); gzipped {fmt_kb(total_html_gz + static_gz)}",
        )
    )
    if unfound:
        rows[-1]["detail"] += (
            f"; NOT FOUND by the staticfiles finders, weighed from tonle/static: "
            f"{', '.join(sorted(unfound))}"
        )
        log(f"the staticfiles finders do not find {', '.join(sorted(unfound))}")
    return rows


def explain_slow_queries(db: str, args: argparse.Namespace) -> None:
    """Print the plan of every query of the measured code that takes longer than --explain-ms."""
    from django.test import Client
    from django.urls import reverse

    from tonle.accounts.models import User
    from tonle.people.selectors import participant_search
    from tonle.programs.models import Project
    from tonle.results import reach

    admin = User.objects.get(username=ADMIN_USERNAME)
    project = Project.objects.get(slug=PROJECT_SLUG)
    pinned = pinned_activity(project)
    client = Client(HTTP_HOST="localhost")  # a host the settings allow
    client.force_login(admin)
    latin, khmer = search_queries()
    cases: list[tuple[str, Callable[[], object]]] = [
        (f"search {latin[0]!r}", lambda: list(participant_search(user=admin, text=latin[0]))),
        (f"search {latin[-1]!r}", lambda: list(participant_search(user=admin, text=latin[-1]))),
        (f"search {khmer[0]!r}", lambda: list(participant_search(user=admin, text=khmer[0]))),
        (f"search {khmer[-1]!r}", lambda: list(participant_search(user=admin, text=khmer[-1]))),
        ("attendance page", lambda: client.get(reverse("programs-activity", args=[pinned.pk]))),
        ("reach_figures", lambda: reach.reach_figures(project=project)),
    ]
    if args.sql_reach and hasattr(reach, "sql_reach_figures"):
        cases.append(("sql_reach_figures", lambda: reach.sql_reach_figures(project=project)))
    explain_queries(db, cases, min_ms=args.explain_ms)


if __name__ == "__main__":
    sys.exit(main())
