"""The crawl world: records of every kind, in and out of each persona's scope, and every URL
of the site with their ids filled in.

Whole-site tests (the crawl of scope, writes and ids; the phone widths) walk the URL
resolver, so a new page is visited without anyone listing it. Its ids come from the world
built here, plus an id that exists nowhere; a new kind of id in a URL fails those tests until
it is given values in `crawl_world_build`. Every table's ids start above 12,000, so an id
printed with a thousands separator (or in Khmer digits) shows on every page that prints one.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from PIL import Image

from tonle.accounts.models import Role
from tonle.accounts.tests.factories import UserFactory
from tonle.cases.models import CaseKind
from tonle.cases.services import case_open, note_add
from tonle.collect.imports import import_batch_start, import_source_save
from tonle.collect.instances import instance_read
from tonle.collect.models import ImportKind, Upload
from tonle.collect.services import Part, submission_receive
from tonle.collect.tests.phone import instance_xml, sample_form
from tonle.groups.tests.factories import GroupMembershipFactory
from tonle.outcomes.services import milestone_record, story_write
from tonle.people.models import DuplicateRun, Participant
from tonle.people.services import participants_merge
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.sheets import UPLOAD_KIND, attendance_sheet_upload
from tonle.programs.tests.factories import ActivityFactory
from tonle.public.models import Category, Newsletter, Post, PostStatus
from tonle.public.services import (
    comment_form_stamp,
    comment_receive,
    post_from_report,
    post_from_story,
    post_save,
    tags_from_text,
)
from tonle.referrals.models import ServiceKind
from tonle.referrals.services import referral_make, referral_move
from tonle.referrals.tests.factories import ServiceProviderFactory
from tonle.reports.models import RenderJob, SectionKind
from tonle.reports.services import report_issue
from tonle.reports.tests.factories import ReportTemplateFactory, SectionFactory
from tonle.results.services import indicator_save, period_lock
from tonle.transport.services import trip_record
from tonle.transport.tests.factories import ContractFactory, DriverFactory

MISSING = 987654
FIRST_ID = 12345
PERSONAS = ["admin", "manager", "officer", "mentor", "former_mentor", "donor", "clinic"]
# Apps whose pages are not Tonle's own records (the admin site has its own staff-only guard).
SKIPPED_PREFIXES = ("admin/", "i18n/", "accounts/login/", "accounts/logout/")
# Text that does not break by itself: a name with no space, and Khmer, written without spaces.
LONG_KHMER = "ស្ត្រីដែលបានចូលរួមក្នុងវគ្គបណ្តុះបណ្តាលភាពជាអ្នកដឹកនាំនៅឃុំរបស់នាង" * 2


@dataclass
class Crawl:
    users: dict
    visible: dict[str, set[int]]  # persona -> ids of the women she may see by name
    values: dict[str, list[Any]]  # URL kwarg -> values to try
    by_name: dict[str, dict[str, list[Any]]]  # URL name -> kwarg -> values, where a kind is shared


def record_ids_start_at(first: int = FIRST_ID) -> None:
    """Every table's next id is `first` or more, each table in its own thousand, so ids of
    different kinds never coincide and every id has a thousands separator to lose."""
    tables = sorted(
        {
            (model._meta.db_table, model._meta.pk.column)
            for model in apps.get_models(include_auto_created=True)
            if isinstance(model._meta.pk, models.AutoField)
        }
    )
    with connection.cursor() as cursor:
        for number, (table, column) in enumerate(tables):
            last = first - 1 + 1000 * number
            if connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last]
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s)",
                    [connection.ops.quote_name(table), column, last],
                )


def _name_everyone_apart() -> None:
    """Names no other name contains, so finding one on a page means that woman is there."""
    for person in Participant.objects.all():
        person.name_latin = f"Crawlname{person.pk:05d}x"
        person.name_km = f"នាម{person.pk:05d}ក"
        person.save(update_fields=["name_latin", "name_km"])


def _photo() -> SimpleUploadedFile:
    picture = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(picture, "JPEG")
    return SimpleUploadedFile("her.jpg", picture.getvalue(), content_type="image/jpeg")


def crawl_world_build(*, world: Any) -> Crawl:
    """Records of every kind on top of the personas' world (tonle/conftest.py)."""
    w = world
    users = {"admin": w.admin, "manager": w.manager, "officer": w.officer_a, "mentor": w.mentor,
             "donor": w.donor}  # fmt: skip
    # A Smart Woman whose membership of group A ended: she sees nobody any more.
    former = GroupMembershipFactory(group=w.group_a, ended_on=dt.date(2023, 6, 30))
    users["former_mentor"] = UserFactory(username="former_mentor", role=Role.SMART_WOMAN)
    former.participant.account = users["former_mentor"]
    former.participant.save()
    w.project_a.memberships.create(user=users["former_mentor"])
    clinic = ServiceProviderFactory()
    users["clinic"] = UserFactory(username="clinic", role=Role.PROVIDER)
    clinic.accounts.add(users["clinic"])
    other_clinic = ServiceProviderFactory()

    # Project A: woman_a (not in the group), the mentee; a woman the mentor holds a case for
    # outside her group; project B: woman_b.
    case_woman = ParticipantFactory(village=w.village_a)
    for woman in (w.woman_a, w.mentee, case_woman):
        Attendance.objects.create(
            activity=ActivityFactory(project=w.project_a, date=dt.date(2023, 3, 15)),
            participant=woman,
        )
    activity_b = ActivityFactory(project=w.project_b, date=dt.date(2023, 3, 15))
    Attendance.objects.create(activity=activity_b, participant=w.woman_b)
    activity_a = w.project_a.activities.first()
    officer_b = w.officer_b
    cases = [
        case_open(by=w.officer_a, participant=case_woman, project=w.project_a, kind=CaseKind.COUNSELLING,
                  worker=w.mentor, opened_on=dt.date(2023, 2, 1), consent_given=True),
        case_open(by=w.officer_a, participant=w.woman_a, project=w.project_a, kind=CaseKind.COACHING,
                  worker=w.officer_a, opened_on=dt.date(2023, 2, 1), consent_given=True),
        case_open(by=officer_b, participant=w.woman_b, project=w.project_b, kind=CaseKind.COACHING,
                  worker=officer_b, opened_on=dt.date(2023, 2, 1), consent_given=True),
    ]  # fmt: skip
    for case in cases:
        note_add(by=case.worker, case=case, text="A note only her worker reads.")
    referrals = [
        referral_make(by=w.officer_a, participant=w.woman_a, project=w.project_a, provider=clinic,
                      service=ServiceKind.HEALTH_VISIT, reason="Check-up", consent_given=True,
                      sent_on=dt.date(2023, 4, 1)),
        referral_make(by=w.officer_a, participant=w.mentee, project=w.project_a, provider=other_clinic,
                      service=ServiceKind.HEALTH_VISIT, reason="Check-up", consent_given=True,
                      sent_on=dt.date(2023, 4, 1)),
        referral_make(by=officer_b, participant=w.woman_b, project=w.project_b, provider=clinic,
                      service=ServiceKind.NATIONAL_ID, reason="No ID card", consent_given=True,
                      sent_on=dt.date(2023, 4, 1)),
    ]  # fmt: skip
    referral_move(by=w.officer_a, referral=referrals[0], status="received", on=dt.date(2023, 4, 2),
                  note="Staff note: she is afraid of her husband.")  # fmt: skip
    # One driver under contract to both projects: his statement must not cross them.
    driver = DriverFactory()
    for project, woman, officer, village in ((w.project_a, w.woman_a, w.officer_a, w.village_a),
                                             (w.project_b, w.woman_b, officer_b, w.village_b)):  # fmt: skip
        trip_record(by=officer, contract=ContractFactory(project=project, driver=driver),
                    participant=woman, from_village=village, to_provider=clinic,
                    date=dt.date(2023, 3, 1), distance_km=3)  # fmt: skip
    stories = []
    for project, woman, officer, consent in ((w.project_a, w.woman_a, w.officer_a, False),
                                             (w.project_b, w.woman_b, officer_b, True)):  # fmt: skip
        milestone_record(by=officer, participant=woman, project=project, kind="village_chief",
                         date=dt.date(2023, 5, 1), evidence="Letter of the commune")  # fmt: skip
        stories.append(story_write(
            by=officer, participant=woman, project=project, title="Her story",
            text="She speaks at the commune.", language="en", written_on=dt.date(2023, 5, 2),
            consent_to_publish=consent, photo=_photo(),
        ))  # fmt: skip
    engaged = indicator_save(
        project=w.project_a, level="outcome", code="engaged", name_en="Women engaged",
        name_km="ស្ត្រីបានចូលរួម" + LONG_KHMER,
        definition={"measure": "people_attending", "filters": {}},
    )  # fmt: skip
    period_lock(by=w.manager, project=w.project_a, starts_on=dt.date(2023, 1, 1),
                ends_on=dt.date(2023, 12, 31))  # fmt: skip
    template = ReportTemplateFactory(project=w.project_a, slug="closing")
    section = SectionFactory(
        template=template, heading_km=LONG_KHMER, body_en="{{ engaged }} women.",
        body_km="{{ engaged }} នាក់។" + LONG_KHMER,
    )  # fmt: skip
    for order, kind in enumerate(SectionKind.values, start=1):  # a section of every other kind
        if kind != SectionKind.TEXT:
            SectionFactory(template=template, order=order, kind=kind, indicator=engaged.code)
    issued = report_issue(by=w.manager, template=template)
    # The public site: a post of each kind (news, her story, the issued report), a comment
    # waiting for moderation, a newsletter.
    category = Category.objects.create(slug="news", name_en="News")
    post = post_save(by=w.manager, post=Post(title_en="News", body_en="Text.", category=category,
                                             status=PostStatus.PUBLISHED),
                     tags=tags_from_text("leadership"))  # fmt: skip
    public_posts = [post, post_from_story(by=w.manager, story=stories[1]),
                    post_from_report(by=w.manager, issued=issued)]  # fmt: skip
    comment = comment_receive(
        post=post, name="Reader", email="reader@example.org", text="Well done.",
        address="192.0.2.1", stamp=comment_form_stamp(now=timezone.now() - dt.timedelta(minutes=1)),
    )  # fmt: skip
    newsletter = Newsletter.objects.create(subject_en="Letter", body_en="Text.",
                                           created_by=w.manager)  # fmt: skip
    jobs = [
        RenderJob.objects.create(template=template, language="en", requested_by=users[persona])
        for persona in ("manager", "donor")
    ]
    duplicate_run = DuplicateRun.objects.create(requested_by=w.manager)
    upload = attendance_sheet_upload(
        by=w.officer_a, activity=activity_a, file_name="sheet.csv",
        data=f"name_latin,village\n{w.woman_a.name_latin},Nowhere\n".encode(),
    )  # fmt: skip
    row = upload.rows.first()
    form = sample_form(project_id=w.project_a.pk, by=w.manager)
    xml = instance_xml(instance_id="uuid:0b5c4f3e-1d2a-4c3b-9a8e-7f6e5d4c3b2a", photo="her.jpg")
    submission, _new = submission_receive(
        by=w.officer_a, form=form, xml=xml, instance=instance_read(xml), complete=True,
        parts=[Part(name="her.jpg", content_type="image/jpeg", data=_photo().read())],
    )  # fmt: skip
    # An import of a Kobo project, queued (no server is asked: the worker does not run here).
    source = import_source_save(
        by=w.manager, kind=ImportKind.KOBO, name="CCDO Kobo", server_url="http://127.0.0.1:9",
        project_id=w.project_a.pk, token="not-a-token",
    )  # fmt: skip
    batch = import_batch_start(by=w.manager, source=source)
    # A woman registered twice, merged: her record stays, seen on the merge pages only.
    merge = participants_merge(by=w.manager, survivor=ParticipantFactory(village=w.village_a),
                               merged=ParticipantFactory(village=w.village_a), values={})  # fmt: skip
    _name_everyone_apart()
    # A name with no space in it, as long as the field allows: it must wrap, not widen a page.
    w.woman_a.refresh_from_db()
    w.woman_a.name_latin = (w.woman_a.name_latin + "Sreyneang" * 14)[:120]
    w.woman_a.name_km = (w.woman_a.name_km + LONG_KHMER)[:120]
    w.woman_a.save(update_fields=["name_latin", "name_km"])

    everyone = set(Participant.objects.values_list("pk", flat=True))
    in_a = set(Participant.objects.filter(village=w.village_a).values_list("pk", flat=True))
    group_today = set(
        w.group_a.memberships.filter(ended_on__isnull=True).values_list("participant_id", flat=True)
    )
    visible = {
        "admin": everyone,
        "manager": everyone,
        "officer": in_a,
        "mentor": group_today | {case_woman.pk},
        "former_mentor": set(),
        "donor": set(),
        # A provider reads the name on the referrals addressed to her, nothing else.
        "clinic": {w.woman_a.pk, w.woman_b.pk},
    }
    ids = {
        "participant_id": [w.woman_a.pk, w.woman_b.pk, w.mentee.pk, case_woman.pk, MISSING],
        "case_id": [c.pk for c in cases] + [MISSING],
        "referral_id": [r.pk for r in referrals] + [MISSING],
        "group_id": [w.group_a.pk, MISSING],
        "membership_id": [*w.group_a.memberships.values_list("pk", flat=True)[:1], MISSING],
        "activity_id": [activity_a.pk, activity_b.pk, MISSING],
        "driver_id": [driver.pk, MISSING],
        "upload_id": [upload.pk, MISSING],
        "row_id": [row.pk, MISSING] if row else [MISSING],
        "slug": [w.project_a.slug, w.project_b.slug, "no-such-project"],
        "report": [template.slug, "no-such-report"],
        "code": [engaged.code, "no-such-code"],
        "month": ["2023-03"],
        "story_id": [story.pk for story in stories] + [MISSING],
        "section_id": [section.pk, MISSING],
        "number": [0, 7],
        "dimension": ["total", "district"],
        "key": ["all"],
        "form_id": [form.pk, MISSING],
        "submission_id": [submission.pk, MISSING],
        "attachment_id": [*submission.attachments.values_list("pk", flat=True), MISSING],
        "name": ["women.csv", "no-such-file.csv"],
        "run_id": [duplicate_run.pk, MISSING],
        "first_id": [w.woman_a.pk, w.mentee.pk, MISSING],
        "second_id": [case_woman.pk, w.woman_b.pk],
        "merge_id": [merge.pk, MISSING],
        "source_id": [source.pk, MISSING],
        "batch_id": [batch.pk, MISSING],
        "post_slug": [p.slug for p in public_posts] + ["no-such-post"],
        "category": [category.slug, "no-such-category"],
        "tag": ["leadership", "no-such-tag"],
        "token": ["not-a-token"],
        "post_id": [post.pk, MISSING],
        "comment_id": [comment.pk, MISSING],
        "action": ["approve"],
        "newsletter_id": [newsletter.pk, MISSING],
        "issued_id": [issued.pk, MISSING],
    }
    by_name = {
        "reports-job": {"pk": [j.pk for j in jobs] + [MISSING]},
        "reports-job-pdf": {"pk": [j.pk for j in jobs] + [MISSING]},
        **{
            name: {"pk": [issued.pk, MISSING], "key": list(issued.snapshot["figures"])[:2]}
            for name in (
                "reports-issued",
                "reports-issued-tables",
                "reports-issued-changes",
                "reports-issued-figure",
                "reports-issued-photo",
            )
        },
    }
    assert Upload.objects.filter(kind=UPLOAD_KIND).exists()
    return Crawl(users=users, visible=visible, values=ids, by_name=by_name)


def site_patterns(
    resolvers: list | None = None, prefix: str = ""
) -> Iterator[tuple[str, str | None, list[str]]]:
    """Every URL pattern of the site: (its route, its name, the names of its kwargs)."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from site_patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and isinstance(entry.pattern, RoutePattern):
            yield route, entry.name, list(entry.pattern.converters)


def site_urls(crawl: Crawl, *, missing: bool = True) -> Iterator[str]:
    """Every URL of the site with the crawl's ids filled in (`missing=False`: only ids that
    exist, for tests that read the pages rather than the refusals)."""
    for route, name, kwargs in site_patterns():
        if route.startswith(SKIPPED_PREFIXES):
            continue
        choices = []
        for kwarg in kwargs:
            values = crawl.by_name.get(name or "", {}).get(kwarg) or crawl.values.get(kwarg)
            assert values, f"{route}: give the crawl ids for <{kwarg}>"
            choices.append([v for v in values if missing or v != MISSING])
        for combination in itertools.product(*choices):
            path = route
            for kwarg, value in zip(kwargs, combination, strict=True):
                path = _fill(path, kwarg, value)
            yield "/" + path


def _fill(route: str, kwarg: str, value: object) -> str:
    for converter in ("int", "str", "slug", "path", ""):
        marker = f"<{converter}:{kwarg}>" if converter else f"<{kwarg}>"
        if marker in route:
            return route.replace(marker, str(value))
    raise AssertionError(f"{route}: no <{kwarg}>")
