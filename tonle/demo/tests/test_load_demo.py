"""The demo reproduces the closing report's figures; it loads only into an empty database."""

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from tonle.accounts.models import User
from tonle.cases.models import Case
from tonle.collect.models import Form
from tonle.collect.ready_forms import FORMS
from tonle.demo.management.commands.load_demo import NOT_LOADED
from tonle.demo.support import OPEN_REFERRALS
from tonle.geo.models import District
from tonle.groups.models import GroupMembership, SmartWomenGroup
from tonle.outcomes.models import Milestone
from tonle.people.models import Participant
from tonle.programs.models import Attendance, Project
from tonle.referrals.models import Referral, ServiceDelivery, ServiceProvider
from tonle.referrals.selectors import referral_counts, referrals_visible_to
from tonle.reports.models import ReportTemplate
from tonle.reports.rendering import report_render
from tonle.results.reach import reach_total
from tonle.transport.models import Trip
from tonle.transport.selectors import contracts_for_trip


@pytest.mark.django_db
def test_demo_loads_into_an_empty_database_and_reproduces_the_reports_figures():
    call_command("load_demo", stdout=io.StringIO())
    project = Project.objects.get(slug="ccdo-elc")
    counts = (Participant.objects.count(), Attendance.objects.count())

    assert reach_total(project=project) == 2814
    assert (
        GroupMembership.objects.filter(group__project=project)
        .values("participant")
        .distinct()
        .count()
        == 46
    )
    assert SmartWomenGroup.objects.filter(project=project).count() == 6
    districts = District.objects.filter(communes__villages__projects=project).distinct()
    # One spelling of Angkor Thom, in the tables as in the report's text.
    assert sorted(d.name_en for d in districts) == ["Angkor Thom", "Banteay Srei", "Prasat Bakong"]
    assert project.communities.filter(commune__name_en="Bakong").exists()
    topics = set(project.activities.values_list("topic__code", flat=True))
    assert {"health-care", "gender-equity", "personal-development", "business"} <= topics

    # The support work of the report (issue 3), every woman in it one of the 2,814.
    engaged = set(
        Participant.objects.filter(attendances__activity__project=project).values_list(
            "id", flat=True
        )
    )
    coached = set(Case.objects.filter(project=project, kind__in=["coaching", "mentoring"], sessions__isnull=False,
                                      goals__isnull=False).values_list("participant", flat=True))  # fmt: skip
    served = set(
        ServiceDelivery.objects.filter(project=project).values_list("participant", flat=True)
    )
    assert len(coached) > 2500 and len(served) > 2600
    assert coached <= engaged and served <= engaged
    assert served & set(Referral.objects.values_list("participant", flat=True))
    assert Trip.objects.values("driver").distinct().count() == 3
    counsellors = set(
        Case.objects.filter(kind="counselling").values_list("worker__participant", flat=True)
    )
    assert len(counsellors) == 46
    leaders = {m.kind: m.participant for m in Milestone.objects.filter(project=project)}
    assert set(leaders) == {"village_chief", "ccwc_member"}
    assert leaders["ccwc_member"].village.commune.name_en == "Bakong"
    assert all(p.group_memberships.exists() for p in leaders.values())

    # CCDO's ready phone forms, uploaded for the project and mapped (issue 12).
    forms = Form.objects.filter(project_id=project.pk, active=True)
    assert sorted(forms.values_list("form_id", flat=True)) == sorted(FORMS)
    assert all(form.mappings.exists() for form in forms)

    # The report's figures, from its framework, as `manage.py indicators` prints them (issue 4).
    printed = io.StringIO()
    call_command("indicators", project="ccdo-elc", period="2022-01:2023-12", stdout=printed)
    values = {row["code"]: row["value"] for row in json.loads(printed.getvalue())["indicators"]}
    assert (values["engaged"], values["smart-women"], values["leaders"]) == (2814, 46, 2)
    assert values["coached"] > 2500 and values["services"] > 2600

    # The closing report, its figures computed in the places the seed report prints them (issue 5).
    template = ReportTemplate.objects.get(project=project, slug="closing-2023")
    english = report_render(template=template, language="en", names=False)
    assert english.problems == []
    by_heading = {s.heading: str(s.html) for s in english.sections}
    assert ">2,814</a> women and girls" in by_heading["Introduction"]
    assert ">46</a> Smart Women" in by_heading["Key outcomes: Smart Women"]
    assert (
        f">{values['coached']:,}</a> women"
        in by_heading["Key outcomes: Specialised coaching and mentoring"]
    )
    assert (
        f">{values['services']:,}</a> women"
        in by_heading["Key outcomes: Access to information and services"]
    )
    # The two women who won leadership roles: under 5, published on purpose by the manager.
    assert re.search(r'data-figure="leaders:total"[^>]*>2</a>', "".join(by_heading.values()))
    (release,) = template.releases.all()
    assert (release.code, release.released_by.username) == ("leaders", "manager") and release.reason
    khmer = report_render(template=template, language="km", names=False)
    assert khmer.problems == [] and "២,៨១៤" in str(khmer.sections[0].html)

    # The clinic account is Bakong's health centre, and it receives Bakong's referrals.
    clinic = User.objects.get(username="clinic")
    (centre,) = clinic.providers.all()
    assert (centre.kind, centre.commune.name_en) == ("health_centre", "Bakong")
    assert Referral.objects.filter(provider=centre).count() > 10
    assert (
        referrals_visible_to(user=clinic).count()
        == Referral.objects.filter(provider=centre).count()
    )
    # Its last referrals were never followed up: some wait to be received, some to be resolved,
    # and the project's counts show them overdue.
    waiting = referrals_visible_to(user=clinic).filter(status__in=["sent", "received"])
    assert set(waiting.values_list("status", flat=True)) == {"sent", "received"}
    assert referral_counts(project=project).overdue == waiting.count() == OPEN_REFERRALS
    # The drivers' contracts run through the project and past today: a trip can be booked today.
    officer = User.objects.get(username="officer")
    assert contracts_for_trip(user=officer, on=dt.date(2022, 6, 1)).count() == 3
    assert contracts_for_trip(user=officer, on=timezone.localdate()).count() == 3

    # Loaded again on purpose (--force), it changes nothing.
    call_command("load_demo", force=True, stdout=io.StringIO())

    assert (Participant.objects.count(), Attendance.objects.count()) == counts
    assert ReportTemplate.objects.filter(project=project).count() == 1

    # A demo loaded by an earlier version is put right by --force: its clinic account read
    # Leang Dai's referrals, its contracts ended with 2023, and its district was "Angkor Thum".
    clinic.providers.set(
        [ServiceProvider.objects.get(kind="health_centre", commune__name_en="Leang Dai")]
    )
    project.transport_contracts.update(ends_on=dt.date(2023, 12, 20))
    District.objects.filter(code="1702").update(name_en="Angkor Thum")
    call_command("load_demo", force=True, stdout=io.StringIO())
    assert list(clinic.providers.all()) == [centre]
    assert contracts_for_trip(user=officer, on=timezone.localdate()).count() == 3
    assert District.objects.get(code="1702").name_en == "Angkor Thom"

    # Once the database holds data, `make run` (--if-empty) leaves it alone: an account
    # deleted by its administrator stays deleted (admin itself has records and is protected).
    User.objects.filter(username="donor").delete()
    printed = io.StringIO()
    call_command("load_demo", if_empty=True, stdout=printed)

    assert printed.getvalue().strip() == NOT_LOADED
    assert not User.objects.filter(username="donor").exists()
