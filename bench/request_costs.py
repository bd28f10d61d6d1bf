"""One request of each kind the load test sends, alone: its time and its queries.

What `bench/load.py` measures under load, taken apart: each request made `--repeat` times
through Django's test client on the demo data (no server, no other client), printing the
median and the slowest time in ms, the number of queries, and the median's share of the
load test's p95 target for that kind (the issue's: a tick under 500 ms, a dashboard and the
framework under 1 s), and the median CPU time of this process (which, on a machine shared
with others, moves less than the clock). Run it on a database that has the demo:

    TONLE_VAR_DIR=/tmp/load-var DEBUG=1 .venv/bin/python manage.py load_demo --if-empty
    TONLE_VAR_DIR=/tmp/load-var DEBUG=1 .venv/bin/python bench/request_costs.py

It adds an officer, her activity and a manager (as the load test does) and ticks women
present in that activity: use a scratch database.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"tick": 500.0, "dashboard": 1000.0, "framework": 1000.0}
ATTEND = re.compile(r"/activities/\d+/attend/(\d+)/")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--profile", help="a kind to profile with cProfile")
    parser.add_argument("--sort", default="tottime", help="the profile's order (cumtime...)")
    parser.add_argument("--top", type=int, default=30, help="the profile's lines")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tonle.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    officer, manager, activity, names = _setup()
    officer_client, manager_client = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    officer_client.force_login(officer)
    manager_client.force_login(manager)
    rng = random.Random(1)
    htmx = {"HTTP_HX_REQUEST": "true"}
    project = activity.project.slug

    def search() -> bytes:
        url = f"/activities/{activity.pk}/candidates/?q={rng.choice(names)}"
        return officer_client.get(url, **htmx).content

    def tick() -> None:
        offered: list[str] = []
        while not offered:
            offered = ATTEND.findall(search().decode())
        woman = rng.choice(offered)
        response = officer_client.post(f"/activities/{activity.pk}/attend/{woman}/", **htmx)
        assert response["HX-Trigger"] == "attendance-changed", response.content[:200]

    count = [0]

    def register() -> None:
        count[0] += 1
        form = {"name_latin": f"Bench Woman{count[0]:04d} {time.time_ns()}", "name_km": "",
                "birth_year": "1990", "village": str(activity.village_id), "phone": "",
                "consent_given": "on", "confirm_new": "on"}  # fmt: skip
        response = officer_client.post(f"/activities/{activity.pk}/register/", form, **htmx)
        assert response.get("HX-Trigger") == "attendance-changed", response.content[:300]

    def get(client: Client, url: str, **extra: str) -> Callable[[], None]:
        def fetch() -> None:
            response = client.get(url, **extra)
            assert response.status_code == 200, (url, response.status_code)

        return fetch

    kinds: dict[str, Callable[[], object]] = {
        "activity": get(officer_client, f"/activities/{activity.pk}/"),
        "reach-badge": get(officer_client, f"/results/{project}/reach-badge/", **htmx),
        "search": search,
        "tick": tick,
        "register": register,
        "dashboard": get(manager_client, f"/results/{project}/"),
        "framework": get(manager_client, f"/results/{project}/framework/"),
    }
    if args.profile:
        import cProfile
        import pstats

        kinds[args.profile]()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeat):
            kinds[args.profile]()
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
        return 0
    print(f"{'request':<12} {'median ms':>10} {'max ms':>8} {'cpu ms':>8} {'queries':>8} "
          f"{'of target':>10}")  # fmt: skip
    for kind, fn in kinds.items():
        fn()  # warm: templates compiled, grids read into this process
        with CaptureQueriesContext(connection) as queries:
            fn()
        # A tick searches first (as the officer does); count the POST's queries alone.
        queries_of = len(queries) - (_queries(search) if kind == "tick" else 0)
        times, cpu = _timed(fn, args.repeat)
        if kind == "tick":
            searches, search_cpu = _timed(search, args.repeat)
            times = [t - statistics.median(searches) for t in times]
            cpu = [t - statistics.median(search_cpu) for t in cpu]
        median = statistics.median(times)
        target = TARGETS.get(kind)
        share = f"{median / target:.2f}" if target else ""
        print(f"{kind:<12} {median:>10.1f} {max(times):>8.1f} {statistics.median(cpu):>8.1f} "
              f"{queries_of:>8} {share:>10}")  # fmt: skip
    return 0


def _timed(fn: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """Each call's time in ms, on the clock and in this process's CPU: on a machine shared
    with others the clock counts their work too, the CPU time (the server's and, on SQLite,
    the database's work, all in this process) much less."""
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return times, cpu


def _queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def _setup() -> tuple:
    """An officer with an activity of her own, and a manager, as the load test makes them."""
    from tonle.accounts.models import Role, User
    from tonle.people.models import Participant
    from tonle.programs.models import Activity, Project, ProjectMembership
    from tonle.programs.services import activity_create

    project = Project.objects.get(slug="ccdo-elc")
    officer, _created = User.objects.get_or_create(
        username="bench-officer", defaults={"role": Role.FIELD_OFFICER}
    )
    manager, _ = User.objects.get_or_create(
        username="bench-manager", defaults={"role": Role.ME_MANAGER}
    )
    activity = Activity.objects.filter(name_en="Bench session", project=project).first()
    if activity is None:
        ProjectMembership.objects.get_or_create(project=project, user=officer)
        sample = (
            Activity.objects.filter(project=project).exclude(activity_type__code="forum").first()
        )
        activity = activity_create(
            by=officer, project=project, component=sample.component,
            activity_type=sample.activity_type, topic=sample.topic, date=project.ends_on,
            village=project.communities.first(), name_en="Bench session",
        )  # fmt: skip
    names = sorted(
        {
            word[:4].lower()
            for name in Participant.objects.filter(
                village__in=project.communities.all()
            ).values_list("name_latin", flat=True)[:2000]
            for word in name.split()
            if len(word) >= 4
        }
    )
    return officer, manager, activity, names


if __name__ == "__main__":
    sys.exit(main())
