"""Issuing freezes a report; later records change the live figures, never the issued ones."""

import datetime as dt
import io
import json
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tonle.people.models import Participant
from tonle.people.services import participants_merge, participants_merge_undo
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory
from tonle.reports.models import IssuedReport, RenderJob, SectionKind
from tonle.reports.services import report_issue
from tonle.reports.tests.factories import SectionFactory


@pytest.fixture
def report(report):
    SectionFactory(template=report, heading_en="Introduction",
                   body_en="We engaged {{ engaged }} women.\n\n{{ engaged by quarter }}",
                   body_km="ស្ត្រី {{ engaged }} នាក់។")  # fmt: skip
    SectionFactory(template=report, kind=SectionKind.INDICATORS, heading_en="Indicators")
    return report


def _get(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=args), query)


def test_a_report_with_a_problem_cannot_be_issued_and_nothing_is_kept(world, report):
    SectionFactory(template=report, heading_en="Broken", body_km="{{ nothing }}")
    with pytest.raises(ValidationError) as refused:
        report_issue(by=world.manager, template=report)
    assert "Broken" in refused.value.messages[0] and "nothing" in refused.value.messages[0]
    assert not IssuedReport.objects.exists()


def test_after_issuing_new_attendance_changes_the_live_report_not_the_issued_one(
    client, world, report
):
    issued = report_issue(by=world.manager, template=report)
    late = ActivityFactory(project=world.project_a, date=dt.date(2023, 11, 2))
    Attendance.objects.create(
        activity=late, participant=ParticipantFactory(village=world.village_a)
    )
    report.sections.filter(heading_en="Introduction").update(body_en="Rewritten: {{ engaged }}.")

    live = _get(client, world.manager, "reports-page", "project-a", "closing").content.decode()
    frozen = _get(client, world.manager, "reports-issued", issued.pk).content.decode()
    assert "Rewritten: <a" in live and ">7</a>" in live
    assert "We engaged <a" in frozen and ">6</a> women" in frozen and "Rewritten" not in frozen

    changes = _get(client, world.manager, "reports-issued-changes", issued.pk)
    engaged = next(c for c in changes.context["changes"] if c.key == "engaged")
    assert (engaged.reported, engaged.today, engaged.added, engaged.removed) == (6, 7, 1, 0)
    split = next(c for c in changes.context["changes"] if c.key == "engaged by quarter")
    assert split.cells == [("Q4 2023", 0, 1)]
    assert "records were added or corrected" in changes.content.decode()


def test_the_comparison_says_how_many_of_its_people_were_merged_since_and_keeps_the_figure(
    client, world, report
):
    issued = report_issue(by=world.manager, template=report)
    kept, merged = sorted(issued.snapshot["figures"]["engaged"]["ids"])[:2]
    merge = participants_merge(by=world.manager, survivor=Participant.objects.get(pk=kept),
                               merged=Participant.objects.get(pk=merged), values={})  # fmt: skip

    changes = _get(client, world.manager, "reports-issued-changes", issued.pk)
    engaged = next(c for c in changes.context["changes"] if c.key == "engaged")
    assert (engaged.reported, engaged.today, engaged.removed, engaged.merged) == (6, 5, 1, 1)
    assert changes.context["merged"] == 1
    assert "merged into her other record" in changes.content.decode()
    donor = _get(client, world.donor, "reports-issued-changes", issued.pk)
    assert donor.context["merged"] == 0  # one person: too few to tell a donor

    participants_merge_undo(by=world.manager, merge=merge)
    changes = _get(client, world.manager, "reports-issued-changes", issued.pk)
    assert changes.context["merged"] == 0
    engaged = next(c for c in changes.context["changes"] if c.key == "engaged")
    assert (engaged.reported, engaged.today, engaged.merged) == (6, 6, 0)


def test_a_frozen_figure_lists_the_people_counted_then_or_for_a_donor_its_split(
    client, world, report
):
    issued = report_issue(by=world.manager, template=report)
    counted = set(issued.snapshot["figures"]["engaged"]["ids"])
    assert len(counted) == 6
    Attendance.objects.filter(participant_id=min(counted)).delete()

    page = _get(client, world.manager, "reports-issued-figure", issued.pk, "engaged")
    assert page.context["figure"] == 6 and len(page.context["page"]) == 6
    donor = _get(client, world.donor, "reports-issued-figure", issued.pk, "engaged")
    assert "page" not in donor.context and donor.context["tables"]
    assert "Sok Srey" not in donor.content.decode()


# The worker closes old connections between tasks, as a worker process should: the test's
# data must be committed, not held in the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_the_pdf_of_an_issued_report_is_made_from_its_snapshot(client, world, report, settings,
                                                                tmp_path):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    issued = report_issue(by=world.manager, template=report)
    report.sections.filter(heading_en="Introduction").update(body_en="Rewritten: {{ engaged }}.")
    client.force_login(world.donor)
    client.post(reverse("reports-render", args=["project-a", "closing"]),
                {"lang": "en", "issued": issued.pk})  # fmt: skip
    call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip
    job = RenderJob.objects.get()
    assert job.issued == issued and job.status == "done"
    with job.pdf.open("rb") as pdf:
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.read(), capture_output=True,
                              check=True).stdout.decode()  # fmt: skip
    assert "We engaged 6 women" in text and "Rewritten" not in text


def test_only_a_manager_issues_and_the_page_offers_it_only_when_nothing_is_broken(
    client, world, report
):
    client.force_login(world.officer_a)
    url = reverse("reports-issue", args=["project-a", "closing"])
    assert client.post(url).status_code == 403
    page = _get(client, world.manager, "reports-page", "project-a", "closing").content.decode()
    assert url in page
    client.force_login(world.manager)
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302 and IssuedReport.objects.count() == 1
    issued = IssuedReport.objects.get()
    page = _get(client, world.manager, "reports-page", "project-a", "closing").content.decode()
    link = reverse("reports-issued", args=[issued.pk])
    assert (
        f'<a href="{link}">' in page
        and timezone.localtime(issued.issued_at).strftime("%H:%M") in page
    )


def test_issuing_computes_every_figure_first_then_writes_in_one_short_transaction(world, report):
    """A long transaction holds the write lock (on SQLite from its first statement): every
    officer ticking attendance would wait for the whole report's figures."""
    with CaptureQueriesContext(connection) as queries:
        issued = report_issue(by=world.manager, template=report)
    statements = [query["sql"].lstrip() for query in queries.captured_queries]
    opened = next(i for i, sql in enumerate(statements) if sql.startswith("SAVEPOINT"))
    assert len(statements[:opened]) > 10  # the figures, computed outside any transaction
    inside = [sql.split(" (")[0].split(" SET")[0] for sql in statements[opened:]]
    assert inside == [
        inside[0],  # SAVEPOINT
        'INSERT INTO "reports_issuedreport"',
        'UPDATE "reports_issuedreport"',
        inside[-1],  # RELEASE SAVEPOINT
    ]
    assert inside[-1].startswith("RELEASE SAVEPOINT")
    assert issued.snapshot["figures"]["engaged"]["value"] == 6


def test_the_figures_of_an_issued_report_link_to_that_issued_report(world, report):
    issued = report_issue(by=world.manager, template=report)
    html = issued.snapshot["languages"]["en"]["sections"][0]["html"]
    assert f'href="{reverse("reports-issued-figure", args=[issued.pk, "engaged"])}"' in html
    assert "/issued/0/" not in json.dumps(issued.snapshot)
