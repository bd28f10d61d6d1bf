"""Benchmark W3 (issue 12): 100,000 attendance submissions (1.5 million attendances, 1 %
malformed) received through the submission endpoint's logic, stored raw and applied, against
the floor.

The floor, in the same process on the same XML: parsing each submission with lxml alone and
writing the same rows (one per submission, one per attendance) with PostgreSQL COPY.

End to end: what the OpenRosa POST does once the request is read (`instance_read`, then
`submission_receive`, which keeps the submission and queues its chain in one transaction),
in `--phones` processes at once as gunicorn's workers receive from many phones, not over
HTTP; meanwhile the background worker (django-tasks' db_worker, as `make run` starts it)
applies the queue: the activity's attendances recorded as by the officer, with their history
and their claims. Timed from the first submission received to the last one applied.

Before the clock starts, outside the timed path: a project with its officer, 2 women per
submission (bulk loaded) and an activity per 20 submissions, the form and its mapping.

Malformed submissions (cut-off XML) are refused by both sides with their reason, which is
kept and counted. At the end the attendances in the database are counted against those the
good submissions name (each activity and woman once): exit 1 unless equal and every kept
submission is applied.

Usage: `python bench/collect_submissions.py [--count 100000] [--phones 8]` (PostgreSQL only:
the floor is COPY). Prints submissions/s and attendances/s of each side, their ratio, and
peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

from common import (
    PG_SERVER,
    ROOT,
    Phases,
    bulk_load,
    create_admin,
    create_project,
    log,
    pg_ensure_database,
    start_django,
)

SEED = 20261201
ATTENDANCES = 15  # on average per submission: 1.5 million for 100,000
MALFORMED = 0.01
FORM_ID = "w3_attendance"
XFORM = f"""<?xml version="1.0"?><h:html xmlns="http://www.w3.org/2002/xforms"
xmlns:h="http://www.w3.org/1999/xhtml"><h:head><h:title>Attendance</h:title><model><instance>
<data id="{FORM_ID}" version="1"><activity/><day/><attendance><woman/><role/></attendance>
<meta><instanceID/></meta></data></instance></model></h:head><h:body/></h:html>"""


def submissions(
    count: int, *, first_woman: int = 1, first_activity: int = 1
) -> Iterator[tuple[int, bytes]]:
    """(number, XML) of each submission as a phone sends it; 1 % cut off mid-way. Each names an
    activity among `count // 20` and women among `2 * count`, numbered from the first ids."""
    rng = random.Random(SEED)
    for number in range(count):
        women = rng.randint(ATTENDANCES - 5, ATTENDANCES + 5)
        rows = "".join(
            f"<attendance><woman>{first_woman + rng.randrange(women_of(count))}</woman>"
            "<role>participant</role></attendance>"
            for _ in range(women)
        )
        xml = (
            f'<?xml version="1.0"?><data xmlns:jr="http://openrosa.org/javarosa" id="{FORM_ID}" '
            f'version="1"><start>2026-11-30T09:12:00.000+07:00</start>'
            f"<activity>{first_activity + rng.randrange(activities_of(count))}</activity>"
            f"<day>2026-11-30</day>{rows}"
            f"<meta><instanceID>uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}"
            f"</instanceID></meta></data>"
        ).encode()
        if rng.random() < MALFORMED:
            xml = xml[: len(xml) // 2]
        yield number, xml


def women_of(count: int) -> int:
    return max(2 * count, 100)


def activities_of(count: int) -> int:
    return max(count // 20, 5)


def peak_mb() -> float:
    """The largest resident size of this process or any receiving process it ran."""
    return (
        max(
            resource.getrusage(who).ru_maxrss
            for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        / 1024
    )


def floor(count: int) -> dict[str, Any]:
    """lxml alone plus COPY of the same rows, into tables of the bench's own."""
    import psycopg
    from django.db import connection
    from lxml import etree

    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS floor_submission, floor_attendance;"
            "CREATE TABLE floor_submission (instance_id text PRIMARY KEY, activity text,"
            " day text, xml bytea);"
            "CREATE TABLE floor_attendance (instance_id text, woman text, role text)"
        )
    refused: list[tuple[int, str]] = []
    attendances = 0
    started = time.perf_counter()
    # Two connections: one COPY each, both streaming at once, nothing held in memory.
    url = os.environ["DATABASE_URL"]
    with (
        psycopg.connect(url) as one,
        psycopg.connect(url) as two,
        one.cursor().copy("COPY floor_submission FROM STDIN") as subs,
        two.cursor().copy("COPY floor_attendance FROM STDIN") as rows,
    ):
        for number, xml in submissions(count):
            try:
                root = etree.fromstring(xml)
            except etree.XMLSyntaxError as error:
                refused.append((number, str(error)))
                continue
            instance_id = root.findtext("meta/instanceID")
            subs.write_row((instance_id, root.findtext("activity"), root.findtext("day"), xml))
            for row in root.iterfind("attendance"):
                rows.write_row((instance_id, row.findtext("woman"), row.findtext("role")))
                attendances += 1
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "kept": count - len(refused), "refused": refused,
            "attendances": attendances}  # fmt: skip


def prepare(count: int) -> dict[str, Any]:
    """What applying needs, outside the timed path: a project with an officer, its women (bulk
    loaded) and activities, the attendance form on her phone and its mapping."""
    from tonle.accounts.models import Role, User
    from tonle.collect.models import Form
    from tonle.collect.services import mapping_save
    from tonle.programs.models import Activity, ActivityType, Component, ProjectMembership

    admin = create_admin("bench-w3-admin")
    project, villages = create_project(
        slug="bench-w3", name_en="Phones", name_km="ទូរស័ព្ទ",
        starts_on=dt.date(2022, 1, 1), ends_on=dt.date(2030, 12, 31),
    )  # fmt: skip
    officer = User.objects.create(username="bench-w3-officer", role=Role.FIELD_OFFICER)
    ProjectMembership.objects.create(project=project, user=officer)
    component = Component.objects.create(project=project, code="training", name_en="Training")
    kind = ActivityType.objects.get_or_create(code="training", defaults={"name_en": "Training"})[0]
    Activity.objects.bulk_create(
        [
            Activity(
                project=project,
                component=component,
                activity_type=kind,
                name_en=f"Training {n}",
                date=dt.date(2026, 11, 30),
                village=villages[n % len(villages)],
                created_by=admin,
            )
            for n in range(activities_of(count))
        ],
        batch_size=2000,
    )
    first_activity = Activity.objects.filter(project=project).order_by("id").first().pk
    bulk_load(
        "postgres", random.Random(SEED), Phases(), models=[],
        people={"villages": [v.pk for v in villages], "admin_id": admin.pk,
                "count": women_of(count), "registered": (dt.date(2022, 1, 1), dt.date(2026, 6, 30))},
        then=lambda loader, people: None,
    )  # fmt: skip
    from tonle.people.models import Participant

    first_woman = Participant.objects.order_by("id").values_list("id", flat=True).first()
    form = Form.objects.create(
        form_id=FORM_ID, version="1", title="Attendance", project_id=project.pk, xml=XFORM,
        md5="-", xlsform_name="w3.xlsx",
    )  # fmt: skip
    mapping_save(
        by=admin, form=form,
        kinds={"programs.attendance": {"fields": {
            "activity": "/data/activity", "women": "/data/attendance",
            "woman": "/data/attendance/woman"}, "constants": {}}},
    )  # fmt: skip
    return {"form": form.pk, "by": officer.pk, "first_woman": first_woman,
            "first_activity": first_activity}  # fmt: skip


def end_to_end(count: int, phones: int, ids: dict[str, Any]) -> dict[str, Any]:
    """Submissions received in `phones` processes while the background worker (django-tasks'
    db_worker, as `make run` starts it) applies them; timed until the last one is applied."""
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    from tonle.collect.models import Submission

    connections.close_all()
    worker_log = ROOT / "bench" / "out" / "w3-worker.log"
    worker_log.parent.mkdir(exist_ok=True)
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--interval", "0.2",
         "--no-reload", "--no-startup-delay"],
        stdout=subprocess.DEVNULL, stderr=worker_log.open("w"),
    )  # fmt: skip
    started = time.perf_counter()
    try:
        if phones == 1:
            shares = [_receive_share(count, 1, 0, ids)]
        else:
            with multiprocessing.get_context("fork").Pool(phones) as pool:
                shares = pool.starmap(
                    _receive_share, [(count, phones, k, ids) for k in range(phones)]
                )
        received = time.perf_counter() - started
        log(f"received in {received:,.1f} s; waiting for the worker to apply")
        waiting = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
        while waiting.exists():
            time.sleep(0.2)
        seconds = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait()
    refused = sorted(item for share in shares for item in share[0])
    from tonle.collect.models import UnreadableSubmission

    stored = Submission.objects.filter(form_id=ids["form"])
    return {"seconds": seconds, "received": received, "kept": stored.count(),
            "applied": stored.filter(status="applied").count(),
            "failed": DBTaskResult.objects.filter(status="FAILED").count(),
            "refused": refused, "attendances": sum(share[1] for share in shares),
            "unreadable": UnreadableSubmission.objects.count()}  # fmt: skip


def _receive_share(
    count: int, phones: int, share: int, ids: dict[str, Any]
) -> tuple[list[tuple[int, str]], int]:
    from tonle.accounts.models import User
    from tonle.collect.instances import InstanceError, instance_read
    from tonle.collect.models import Form
    from tonle.collect.services import submission_receive, submission_unreadable_keep

    form, by = Form.objects.get(pk=ids["form"]), User.objects.get(pk=ids["by"])
    refused: list[tuple[int, str]] = []
    attendances = 0
    generated = submissions(
        count, first_woman=ids["first_woman"], first_activity=ids["first_activity"]
    )
    for number, xml in generated:
        if number % phones != share:
            continue
        try:
            instance = instance_read(xml)
        except InstanceError as bad:
            # As the endpoint does: kept as it arrived, with the reason the phone is told.
            submission_unreadable_keep(by=by, body=xml, reason=str(bad))
            refused.append((number, str(bad)))
            continue
        submission_receive(by=by, form=form, xml=xml, instance=instance, parts=[], complete=True)
        attendances += len(instance.root.findall("attendance"))
    return refused, attendances


def attendances_expected(count: int, ids: dict[str, Any]) -> int:
    """The attendances the good submissions name, each (activity, woman) once."""
    from lxml import etree

    pairs = set()
    for _number, xml in submissions(
        count, first_woman=ids["first_woman"], first_activity=ids["first_activity"]
    ):
        try:
            root = etree.fromstring(xml)
        except etree.XMLSyntaxError:
            continue
        activity = root.findtext("activity")
        pairs.update((activity, w.text) for w in root.iterfind("attendance/woman"))
    return len(pairs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument(
        "--phones",
        type=int,
        default=8,
        help="processes receiving at once (default 8: as many as `make run`'s gunicorn serves at once)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DATABASE_URL", f"{PG_SERVER}/tonle_bench_w3")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("TONLE_VAR_DIR", "/tmp/tonle-bench-w3")
    pg_ensure_database(os.environ["DATABASE_URL"], drop=True)
    start_django("postgres")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tonle.geo.services import gazetteer_load

    gazetteer_load()
    ids = prepare(args.count)
    log(f"W3: {args.count:,} submissions, about {args.count * ATTENDANCES:,} attendances")
    low = floor(args.count)
    log(f"floor done, peak memory {peak_mb():.0f} MB")
    high = end_to_end(args.count, args.phones, ids)
    peak = peak_mb()
    from tonle.programs.models import Attendance

    recorded = Attendance.objects.filter(activity__project__slug="bench-w3").count()
    expected = attendances_expected(args.count, ids)
    out = io.StringIO()
    for name, side in (
        ("floor (lxml + COPY)", low),
        (f"end to end ({args.phones} receiving)", high),
    ):
        rate = args.count / side["seconds"]
        out.write(
            f"{name:30} {side['seconds']:8.1f} s  {rate:9,.0f} submissions/s  "
            f"{side['attendances'] / side['seconds']:11,.0f} attendances/s  "
            f"kept {side['kept']:,}  malformed {len(side['refused']):,}\n"
        )
    out.write(f"  of which receiving: {high['received']:,.1f} s "
              f"({high['received'] / low['seconds']:.1f}x the floor)\n")  # fmt: skip
    out.write(
        f"ratio end to end/floor: {high['seconds'] / low['seconds']:.1f}x (target: within 10x)\n"
    )
    out.write(f"peak memory: {peak:.0f} MB (target under 1 GB)\n")
    same = [n for n, _ in low["refused"]] == [n for n, _ in high["refused"]]
    out.write(f"malformed kept with their reason: {high['unreadable']:,} in the database, "
              f"{len(high['refused']):,} refused "
              f"(the same ones on both sides: {same}); e.g. {high['refused'][:1]}\n")  # fmt: skip
    out.write(f"applied: {high['applied']:,} of {high['kept']:,} kept (failed tasks {high['failed']}); "
              f"attendances recorded {recorded:,}, named by the good submissions {expected:,}: "
              f"{'equal' if recorded == expected else 'NOT EQUAL'}\n")  # fmt: skip
    print(out.getvalue(), end="")
    kept_all = high["unreadable"] == len(high["refused"])
    return 0 if recorded == expected and high["applied"] == high["kept"] and kept_all else 1


if __name__ == "__main__":
    sys.exit(main())
