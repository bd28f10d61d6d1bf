"""Support work in a real browser, on phones, in Khmer: counselling, a referral, a tuk-tuk, a service.

Acceptance: a Smart Woman logs a counselling contact with goal progress; a field officer
makes a referral with consent, books a tuk-tuk trip for it, and the provider marks the
service given; the woman's timeline shows all three.

Each user logs in through the login form on her own phone (a fresh browser context).
Fields are found by name and links by address; the few labels checked on the timeline are
the app's own, translated into the language the page is in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import Page, expect

from tonle.accounts.models import Role
from tonle.accounts.tests.factories import UserFactory
from tonle.cases.models import CaseKind, GoalProgress, Session
from tonle.cases.tests.factories import CaseFactory, GoalFactory, SessionTopicFactory
from tonle.lib.templatetags.tonle import format_count
from tonle.lib.testing.browser import log_in
from tonle.referrals.models import Referral, ReferralStatus, ServiceDelivery, ServiceKind
from tonle.referrals.tests.factories import ServiceProviderFactory
from tonle.transport.models import Trip
from tonle.transport.tests.factories import ContractFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

MINUTES = 45


def language_of(page: Page) -> translation.override:
    """Django's labels in the language the page is shown in (Khmer, unless she switched)."""
    return translation.override(page.locator("html").get_attribute("lang"))


def in_order(*parts: object) -> re.Pattern[str]:
    """A pattern for a text that holds every part, in this order."""
    return re.compile(".*".join(re.escape(str(part)) for part in parts), re.DOTALL)


def saved(page: Page) -> None:
    """The page came back with a success message (and no error)."""
    expect(page.locator("ul.messages li.success")).to_have_count(1)
    expect(page.locator("ul.messages li.error")).to_have_count(0)


def test_counselling_referral_trip_and_service_all_reach_her_timeline(
    live_server, world, phone: Callable[..., Page]
):
    today = timezone.localdate()
    topic = SessionTopicFactory()
    case = CaseFactory(
        participant=world.mentee,
        project=world.project_a,
        worker=world.mentor,
        kind=CaseKind.COUNSELLING,
        opened_on=today - dt.timedelta(days=30),
    )
    goal = GoalFactory(case=case, description="Open a savings account")
    provider = ServiceProviderFactory()
    clinic = UserFactory(username="clinic", role=Role.PROVIDER)
    provider.accounts.add(clinic)
    contract = ContractFactory(
        project=world.project_a,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=60),
        rate=1500,
        ceiling=20000,
    )
    assert world.mentee.village in world.project_a.communities.all()
    url = live_server.url
    person_page = url + reverse("people-detail", args=[world.mentee.pk])

    # The Smart Woman logs a counselling contact; the goal is achieved.
    mentor = phone()
    log_in(mentor, url, world.mentor.username)
    mentor.goto(url + reverse("cases-counselling"))
    mentor.locator("select[name=participant]").select_option(str(world.mentee.pk))
    mentor.wait_for_url(re.compile(rf"\?participant={world.mentee.pk}$"))
    form = mentor.locator("#counselling-form")
    form.locator("input[name=duration_minutes]").fill(str(MINUTES))
    form.locator(f"input[name=topics][value='{topic.pk}']").check()
    form.locator(f"select[name=goal_{goal.pk}]").select_option(GoalProgress.ACHIEVED)
    form.locator("button.primary").tap()
    saved(mentor)
    session = Session.objects.get(case=case)
    assert (session.date, session.duration_minutes, session.recorded_by) == (
        today,
        MINUTES,
        world.mentor,
    )
    assert list(session.topics.all()) == [topic]
    goal.refresh_from_db()
    assert goal.progress == GoalProgress.ACHIEVED

    # The field officer refers her, with her consent, from her page's "Record…" menu.
    officer = phone()
    log_in(officer, url, world.officer_a.username)
    officer.goto(person_page)
    menu = officer.locator("details.menu")
    menu.locator("summary").tap()
    menu.locator(f'a[href="{reverse("referrals-new", args=[world.mentee.pk])}"]').tap()
    officer.wait_for_url(url + reverse("referrals-new", args=[world.mentee.pk]))
    officer.locator("select[name=project]").select_option(str(world.project_a.pk))
    officer.locator("select[name=provider]").select_option(str(provider.pk))
    officer.locator("select[name=service]").select_option(ServiceKind.HEALTH_VISIT)
    officer.locator("textarea[name=reason]").fill("Pains since the birth of her child.")
    officer.locator("input[name=consent_given]").check()
    officer.locator("form button.primary").tap()
    officer.wait_for_url(re.compile(r"/referrals/\d+/$"))
    referral = Referral.objects.get(participant=world.mentee)
    assert officer.url == url + reverse("referrals-detail", args=[referral.pk])
    assert (referral.provider, referral.status, referral.consent_given, referral.consent_date) == (
        provider,
        ReferralStatus.SENT,
        True,
        today,
    )

    # ...and books a tuk-tuk for it: 6 km at 1,500 riel a kilometre.
    book = reverse("transport-trip-new", args=[world.mentee.pk]) + f"?referral={referral.pk}"
    officer.locator(f'a[href="{book}"]').tap()
    officer.wait_for_url(url + book)
    expect(officer.locator("select[name=referral]")).to_have_value(str(referral.pk))
    expect(officer.locator("select[name=to_provider]")).to_have_value(str(provider.pk))
    officer.locator("select[name=contract]").select_option(str(contract.pk))
    officer.locator("input[name=distance_km]").fill("6")
    officer.locator("form button.primary").tap()
    officer.wait_for_url(url + reverse("referrals-detail", args=[referral.pk]))
    saved(officer)
    trip = Trip.objects.get(participant=world.mentee)
    assert (trip.referral, trip.to_provider, trip.date, trip.fare) == (
        referral,
        provider,
        today,
        9000,
    )

    # The provider finds the referral in her inbox: received, then the service given.
    desk = phone()
    log_in(desk, url, clinic.username)
    desk.goto(url + reverse("referrals-list"))
    desk.locator(f'a[href="{reverse("referrals-detail", args=[referral.pk])}"]').tap()
    desk.wait_for_url(url + reverse("referrals-detail", args=[referral.pk]))
    for status in (ReferralStatus.RECEIVED, ReferralStatus.GIVEN):
        move = desk.locator("#move-form")
        move.locator("select[name=status]").select_option(status)
        move.locator("button.primary").tap()
        saved(desk)
        with language_of(desk):
            expect(desk.locator("[data-status]")).to_have_text(str(status.label))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.GIVEN
    expect(desk.locator("#move-form")).to_have_count(0)
    delivery = ServiceDelivery.objects.get(referral=referral)
    assert (delivery.participant, delivery.kind, delivery.delivered_on, delivery.provider) == (
        world.mentee,
        ServiceKind.HEALTH_VISIT,
        today,
        provider,
    )

    # Back on her page, the officer's timeline shows all of it, dated today.
    officer.goto(person_page)
    todays = officer.locator("ol.timeline > li").filter(
        has=officer.locator(f'time[datetime="{today.isoformat()}"]')
    )
    expect(todays).to_have_count(4)  # the session, the referral, the service and the trip
    case_link = officer.locator(f'a[href="{reverse("cases-detail", args=[case.pk])}"]')
    referral_link = officer.locator(f'a[href="{reverse("referrals-detail", args=[referral.pk])}"]')
    with language_of(officer):
        expected = [
            (todays.filter(has=case_link), [
                case.get_kind_display(),
                _("Session of %(minutes)s minutes") % {"minutes": format_count(MINUTES)},
            ]),
            (todays.filter(has=referral_link), [
                _("Referral"),
                f"{referral.get_service_display()} → {provider.name}",
                ReferralStatus.GIVEN.label,
            ]),
            (todays.filter(has_text=_("Service received")), [
                _("Service received"), ServiceKind.HEALTH_VISIT.label, provider.name,
            ]),
            (todays.filter(has_text=_("Tuk-tuk trip")), [
                _("Tuk-tuk trip"),
                f"{world.village_a.name} → {provider.name}",
                contract.driver.name,
            ]),
        ]  # fmt: skip
        for entry, parts in expected:
            expect(entry).to_have_count(1)
            expect(entry).to_have_text(in_order(*parts))
