"""Each role's day, start to finish, in Chromium on a 390 px phone, in Khmer or in English.

Every step leaves a screenshot in $TONLE_JOURNEY_SHOTS (a temporary folder by default), so a
person can look at the whole day afterwards.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tonle.accounts.models import Role
from tonle.accounts.tests.factories import UserFactory
from tonle.cases.models import Case, CaseKind, GoalProgress
from tonle.cases.tests.factories import CaseFactory, GoalFactory, SessionTopicFactory
from tonle.groups.tests.factories import GroupMembershipFactory
from tonle.lib.testing.browser import log_in
from tonle.people.models import Participant
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory
from tonle.referrals.models import ReferralStatus, ServiceKind
from tonle.referrals.services import referral_make, referral_move
from tonle.referrals.tests.factories import ServiceProviderFactory
from tonle.reports.services import report_issue
from tonle.reports.tests.factories import ReportTemplateFactory, SectionFactory
from tonle.results.services import indicator_save
from tonle.transport.tests.factories import ContractFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def shots(tmp_path) -> Callable[[Page, str], None]:
    folder = Path(os.environ.get("TONLE_JOURNEY_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page: Page, name: str) -> None:
        page.screenshot(path=folder / f"{name}.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"{name}: {width} px wide"

    return shot


def _closing_report(world, *, months: tuple[int, ...], khmer_code: str):
    """Project A's report "closing", one section of reach; six women came in each month of 2023."""
    for month in months:
        activity = ActivityFactory(project=world.project_a, date=dt.date(2023, month, 10))
        for woman in ParticipantFactory.create_batch(6, village=world.village_a):
            Attendance.objects.create(activity=activity, participant=woman)
    template = ReportTemplateFactory(project=world.project_a, slug="closing")
    SectionFactory(template=template, heading_en="Reach", heading_km="ការឈានដល់",
                   body_en="We engaged {{ engaged }} women.",
                   body_km=f"យើងបានចូលរួមជាមួយស្ត្រី {{{{ {khmer_code} }}}} នាក់។")  # fmt: skip
    return template


def test_a_donor_reads_the_dashboard_the_framework_and_the_issued_report_in_khmer(
    live_server, world, phone: Callable[..., Page], shots
):
    """Twelve women took part in 2023; the donor reads every figure, and never a name."""
    indicator_save(
        project=world.project_a, level="outcome", code="engaged", name_en="Women engaged",
        name_km="ស្ត្រីបានចូលរួម", definition={"measure": "people_attending", "filters": {}},
    )  # fmt: skip
    template = _closing_report(world, months=(2, 5), khmer_code="engaged")
    issued = report_issue(by=world.manager, template=template)
    names = list(Participant.objects.values_list("name_latin", flat=True))

    page = phone()
    log_in(page, live_server.url, "donor")
    page.goto(live_server.url + reverse("results-dashboard", args=["project-a"]))
    expect(page.locator("#reach-total")).to_contain_text("១២")
    shots(page, "donor-1-dashboard")

    page.goto(live_server.url + reverse("results-framework", args=["project-a"]))
    page.locator("[data-periods] a", has_text="២០២៣").first.click()
    expect(page.locator('[data-figure="engaged:total"]')).to_contain_text("១២")
    shots(page, "donor-2-framework-2023")

    page.goto(live_server.url + reverse("reports-issued", args=[issued.pk]))
    expect(page.locator("article.report")).to_contain_text("យើងបានចូលរួមជាមួយស្ត្រី ១២ នាក់")
    shots(page, "donor-3-issued-report")
    html = page.content()
    assert not [name for name in names if name in html]


def test_a_clinic_receives_a_referral_and_gives_the_service_in_english(
    live_server, world, phone: Callable[..., Page], shots
):
    clinic = ServiceProviderFactory(name_en="Bakong health centre")
    clinic.accounts.add(UserFactory(username="clinic", role=Role.PROVIDER))
    world.woman_a.phone = "012 345 678"
    world.woman_a.save()
    referral = referral_make(
        by=world.officer_a, participant=world.woman_a, project=world.project_a, provider=clinic,
        service=ServiceKind.HEALTH_VISIT, reason="Headaches for a month", consent_given=True,
        sent_on=dt.date.today() - dt.timedelta(days=2), share_phone=True, share_village=True,
    )  # fmt: skip

    page = phone(locale="en")
    log_in(page, live_server.url, "clinic")
    page.goto(live_server.url + reverse("referrals-list"))
    expect(page.locator("main")).to_contain_text(world.woman_a.display_name)
    shots(page, "clinic-1-inbox")

    page.goto(live_server.url + reverse("referrals-detail", args=[referral.pk]))
    expect(page.locator("[data-shared=phone]")).to_contain_text("012 345 678")
    expect(page.locator("main")).not_to_contain_text("Headaches")  # the reason was not shared
    for status in (ReferralStatus.RECEIVED, ReferralStatus.GIVEN):
        page.locator("#move-form select[name=status]").select_option(status)
        page.locator("#move-form button.primary").click()
        expect(page.locator("[data-status]")).to_have_text(str(ReferralStatus(status).label))
        shots(page, f"clinic-2-{status}")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.GIVEN
    assert list(referral.steps.values_list("by__username", flat=True)) == [
        "officer_a", "clinic", "clinic"
    ]  # fmt: skip


def test_an_officer_registers_attends_refers_books_the_trip_and_sees_the_referral_come_back(
    live_server, world, phone: Callable[..., Page], shots
):
    """In English: a new woman at a forum, referred to the health centre, driven there."""
    today = timezone.localdate()
    activity = ActivityFactory(project=world.project_a, date=today)
    clinic = ServiceProviderFactory(name_en="Bakong health centre")
    clinic.accounts.add(clinic_account := UserFactory(username="clinic", role=Role.PROVIDER))
    ContractFactory(
        project=world.project_a, driver__name="Sok Vannak",
        starts_on=today.replace(month=1, day=1), ends_on=today.replace(month=12, day=31),
    )  # fmt: skip

    page = phone(locale="en")
    log_in(page, live_server.url, "officer_a")
    page.goto(live_server.url + reverse("people-list"))
    page.get_by_role("link", name="Register a person").click()
    page.locator("input[name=name_latin]").fill("Mao Chanthou")
    page.locator("input[name=name_km]").press_sequentially("ម៉ៅ ចន្ធូ")
    page.locator("select[name=village]").select_option(str(world.village_a.pk))
    page.locator("input[name=birth_year]").fill("1998")
    page.locator("input[name=consent_given]").check()
    shots(page, "officer-1-register")
    page.locator("main form button.primary").click()
    expect(page.locator("h1")).to_contain_text("Mao Chanthou")
    woman = Participant.objects.get(name_latin="Mao Chanthou")
    assert woman.consent_given and woman.registered_by == world.officer_a

    page.goto(live_server.url + reverse("programs-activity", args=[activity.pk]))
    page.locator("input[name=q][data-refocus]").fill("chanth")
    attend = reverse("programs-attendance-add", args=[activity.pk, woman.pk])
    page.locator(f'#candidates form[action="{attend}"] button').click()
    person = reverse("people-detail", args=[woman.pk])
    expect(page.locator(f'#attendee-list a[href="{person}"]')).to_be_visible()
    expect(page.locator("#reach [data-reach]")).to_have_text("1")
    shots(page, "officer-2-attendance")

    page.goto(live_server.url + reverse("referrals-new", args=[woman.pk]))
    page.locator("select[name=provider]").select_option(str(clinic.pk))
    page.locator("select[name=service]").select_option(ServiceKind.HEALTH_VISIT)
    page.locator("textarea[name=reason]").fill("Pain in the back since the harvest")
    page.locator("input[name=consent_given]").check()
    page.locator("input[name=share_village]").check()
    shots(page, "officer-3-referral")
    page.locator("main form button.primary").click()
    expect(page.locator("[data-status]")).to_have_text(str(ReferralStatus.SENT.label))
    referral = woman.referrals.get()
    assert referral.consent_given and referral.share_village and not referral.share_reason

    page.get_by_role("link", name="Book a tuk-tuk trip").click()
    assert f"referral={referral.pk}" in page.url
    expect(page.locator("select[name=referral]")).to_have_value(str(referral.pk))
    expect(page.locator("select[name=contract] option", has_text="Sok Vannak")).to_have_count(1)
    page.locator("input[name=distance_km]").fill("8")
    shots(page, "officer-4-trip")
    page.locator("main form button.primary").click()
    expect(page.locator("#messages")).to_contain_text("The trip is booked")
    assert referral.trips.get().contract.driver.name == "Sok Vannak"

    for status in (ReferralStatus.RECEIVED, ReferralStatus.GIVEN):
        referral_move(by=clinic_account, referral=referral, status=status, on=today)
    page.goto(live_server.url + reverse("referrals-list"))
    row = page.locator("main li, main tr", has_text="Mao Chanthou")
    expect(row).to_contain_text(str(ReferralStatus.GIVEN.label))
    shots(page, "officer-5-referral-back")


def test_an_officer_registering_a_woman_sees_her_already_registered_in_khmer_script(
    live_server, world, phone: Callable[..., Page], shots
):
    """She types Latin letters; the registry holds the woman in Khmer script only: the match is
    shown with its score and reasons before anything is saved, with a link to her page."""
    existing = ParticipantFactory(village=world.village_a, name_km="ចាន់ សុភា", name_latin="",
                                  birth_year=1985)  # fmt: skip
    page = phone(locale="en")
    log_in(page, live_server.url, "officer_a")
    page.goto(live_server.url + reverse("people-create"))
    page.locator("input[name=name_latin]").fill("Sopheap Chhan")
    page.locator("select[name=village]").select_option(str(world.village_a.pk))
    page.locator("input[name=birth_year]").fill("1985")
    page.locator("main form button.primary").click()
    match = page.locator("[data-match-score]").first
    expect(match).to_contain_text("likely the same woman")
    expect(page.locator("[data-match-agree]").first).to_contain_text("sounds like")
    shots(page, "officer-0-likely-match")
    assert Participant.objects.filter(name_latin="Sopheap Chhan").count() == 0  # nothing saved
    # Her page opens beside the form, which keeps what was typed.
    link = page.get_by_role("link", name=existing.display_name).first
    expect(link).to_have_attribute("href", reverse("people-detail", args=[existing.pk]))


def test_a_smart_woman_logs_a_contact_on_a_mentoring_and_on_a_counselling_case_in_khmer(
    live_server, world, phone: Callable[..., Page], shots
):
    """Her mentee has a mentoring case; another woman of her group, a counselling case."""
    other = GroupMembershipFactory(group=world.group_a).participant
    topic = SessionTopicFactory()
    cases = {
        CaseKind.MENTORING: CaseFactory(participant=world.mentee, project=world.project_a,
                                        worker=world.mentor, kind=CaseKind.MENTORING),
        CaseKind.COUNSELLING: CaseFactory(participant=other, project=world.project_a,
                                          worker=world.mentor, kind=CaseKind.COUNSELLING),
    }  # fmt: skip
    goals = {kind: GoalFactory(case=case, description=f"ទៅជួបមេភូមិ {kind}")
             for kind, case in cases.items()}  # fmt: skip

    page = phone()
    log_in(page, live_server.url, "mentor")
    for kind, case in cases.items():
        page.goto(live_server.url + reverse("cases-counselling"))
        page.locator("select[name=participant]").select_option(str(case.participant_id))
        goal = page.locator(f"select[name=goal_{goals[kind].pk}]")
        expect(goal).to_be_visible()  # choosing her reloads the form with her case's goals
        goal.select_option(GoalProgress.ACHIEVED)
        page.locator("input[name=topics]").first.check()
        page.locator("input[name=duration_minutes]").fill("40")
        shots(page, f"mentor-1-{kind}")
        page.locator("#counselling-form button.primary").click()
        expect(page.locator("main")).to_contain_text("ត្រូវបានកត់ត្រា")
        shots(page, f"mentor-2-{kind}-saved")
        session = case.sessions.get()
        assert list(session.topics.all()) == [topic]
        goals[kind].refresh_from_db()
        assert goals[kind].progress == GoalProgress.ACHIEVED
    assert not Case.objects.exclude(pk__in=[c.pk for c in cases.values()]).exists()


def test_a_manager_builds_an_indicator_fixes_a_section_makes_the_pdf_and_issues_the_report(
    live_server, world, phone: Callable[..., Page], shots, settings, tmp_path
):
    """In English: the closing report of project A, from a new indicator to the issued copy."""
    settings.MEDIA_ROOT = tmp_path
    template = _closing_report(world, months=(5,), khmer_code="engagd")  # a typo to fix

    page = phone(locale="en")
    log_in(page, live_server.url, "manager")
    page.goto(live_server.url + reverse("results-framework", args=["project-a"]))
    page.get_by_role("link", name="New indicator").click()
    page.locator("input[name=name_en]").fill("Women engaged")
    page.locator("input[name=name_km]").press_sequentially("ស្ត្រីបានចូលរួម")
    page.locator("input[name=code]").fill("engaged")
    page.locator("select[name=level]").select_option("outcome")
    page.locator("select[name=measure]").select_option("people_attending")
    page.locator("input[name=target]").fill("10")
    shots(page, "manager-1-indicator")
    page.locator("#indicator-form button[name=save]").click()
    expect(page.locator('[data-figure="engaged:total"]').first).to_contain_text("6")
    shots(page, "manager-2-framework")

    page.goto(live_server.url + reverse("reports-edit", args=["project-a", "closing"]))
    section = page.locator("#section-form-1")
    expect(section.locator("ul.problems")).to_contain_text("engagd")
    section.locator("textarea[name$=body_km]").fill("យើងបានចូលរួមជាមួយស្ត្រី {{ engaged }} នាក់។")
    shots(page, "manager-3-section")
    page.locator("button.primary").first.click()
    expect(page.locator("ul.problems")).to_have_count(0)

    page.goto(live_server.url + reverse("reports-page", args=["project-a", "closing"]))
    expect(page.locator(".problems-summary")).to_have_count(0)
    expect(page.locator("article.report")).to_contain_text("We engaged 6 women.")
    page.locator("button[name=lang][value=en]").click()
    expect(page.locator("#render-job progress")).to_be_visible()
    # The worker that `make run` starts beside the web server, run here once.
    call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip
    expect(page.locator("#render-job")).to_have_attribute("data-status", "done")
    shots(page, "manager-4-pdf")
    with page.expect_download() as download:
        page.locator("[data-download]").click()
    assert download.value.suggested_filename == "closing-draft-en.pdf"
    download.value.save_as(tmp_path / "draft.pdf")
    assert (tmp_path / "draft.pdf").read_bytes()[:4] == b"%PDF"

    page.goto(live_server.url + reverse("reports-page", args=["project-a", "closing"]))
    page.locator("input[name=confirm]").check()
    page.get_by_role("button", name="Issue this report (freeze its figures)").click()
    expect(page.locator("[data-issued]")).to_be_visible()
    expect(page.locator("article.report")).to_contain_text("We engaged 6 women.")
    shots(page, "manager-5-issued")
    issued = template.issued.get()
    assert issued.issued_by == world.manager


def test_a_manager_merges_a_woman_registered_twice_and_undoes_it(
    live_server, world, phone: Callable[..., Page], shots
):
    """Seven women in the report, one of them registered twice: the merge takes the reach to
    six and the issued report's comparison names it; the undo gives everything back."""
    indicator_save(
        project=world.project_a, level="outcome", code="engaged", name_en="Women engaged",
        name_km="ស្ត្រីបានចូលរួម", definition={"measure": "people_attending", "filters": {}},
    )  # fmt: skip
    template = _closing_report(world, months=(2,), khmer_code="engaged")
    first = Attendance.objects.filter(activity__project=world.project_a).first().participant
    again = ParticipantFactory(village=world.village_a, name_km="", name_latin="Sok Sreypov",
                               birth_year=1991, phone="012 345 678", consent_given=False,
                               consent_date=None)  # fmt: skip
    Attendance.objects.create(
        activity=ActivityFactory(project=world.project_a, date=dt.date(2023, 6, 3)),
        participant=again,
    )
    issued = report_issue(by=world.manager, template=template)
    records = {p.pk: list(p.attendances.values_list("pk", flat=True)) for p in (first, again)}
    history = {p.pk: p.history.count() for p in (first, again)}
    name_before = first.name_latin
    dashboard = live_server.url + reverse("results-dashboard", args=["project-a"])
    pair = live_server.url + reverse("people-duplicate-pair", args=[first.pk, again.pk])

    page = phone(locale="en", viewport={"width": 360, "height": 800})
    log_in(page, live_server.url, "manager")
    page.goto(dashboard)
    expect(page.locator("#reach-total")).to_contain_text("7")
    page.goto(pair)
    expect(page.locator("tr[data-differs=name_latin]")).to_be_visible()
    expect(page.locator("tr[data-count=attendance] td").first).to_have_text("1")
    page.locator("tr[data-differs=name_latin] input[value=second]").check()
    shots(page, "merge-1-pair-en")
    page.get_by_role("button", name="Same woman: merge").click()
    expect(page.locator(".messages")).to_contain_text("The two records are one now")
    shots(page, "merge-2-merged-en")
    first.refresh_from_db()
    assert (first.name_latin, first.phone, first.consent_given) == (
        "Sok Sreypov",
        "012 345 678",
        False,
    )

    page.goto(dashboard)
    expect(page.locator("#reach-total")).to_contain_text("6")
    page.goto(live_server.url + reverse("reports-issued-changes", args=[issued.pk]))
    expect(page.locator("p[data-merged]").first).to_contain_text("merged into her other record")
    shots(page, "merge-3-report-en")

    khmer = phone(viewport={"width": 360, "height": 800})
    log_in(khmer, live_server.url, "manager")
    khmer.goto(live_server.url + reverse("people-merges"))
    shots(khmer, "merge-4-list-km")
    khmer.locator("li[data-merge] a.who").first.click()
    shots(khmer, "merge-5-merge-km")

    page.goto(live_server.url + reverse("people-merges"))
    page.locator("li[data-merge] a.who").first.click()
    page.get_by_role("button", name="Undo the merge").click()
    expect(page.locator(".messages")).to_contain_text("The merge is undone")
    shots(page, "merge-6-undone-en")
    page.goto(dashboard)
    expect(page.locator("#reach-total")).to_contain_text("7")
    assert {
        p.pk: list(p.attendances.values_list("pk", flat=True)) for p in (first, again)
    } == records
    # Each woman's history: her two changes (merged, then back) added to what it was.
    assert {p.pk: p.history.count() for p in (first, again)} == {
        first.pk: history[first.pk] + 2, again.pk: history[again.pk] + 2,
    }  # fmt: skip
    first.refresh_from_db()
    assert (first.name_latin, first.phone, first.consent_given) == (name_before, "", True)

    khmer.goto(pair)
    shots(khmer, "merge-7-pair-km")
