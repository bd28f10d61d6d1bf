"""An officer on a 360 px phone, in Khmer, finds a woman's referral among hundreds by typing
her name, and pages through the rest: the pager fits the screen and its links work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tonle.accounts.models import Role
from tonle.accounts.tests.factories import UserFactory
from tonle.geo.tests.factories import VillageFactory
from tonle.lib.testing.browser import log_in
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import ProjectMembership
from tonle.programs.tests.factories import ProjectFactory
from tonle.referrals.models import Referral, ServiceKind
from tonle.referrals.tests.factories import ServiceProviderFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_an_officer_finds_a_referral_by_her_khmer_name_and_pages_through_the_rest(
    live_server, phone
):
    village = VillageFactory()
    project = ProjectFactory(communities=[village])
    officer = UserFactory(username="sreymom", role=Role.FIELD_OFFICER)
    ProjectMembership.objects.create(project=project, user=officer)
    provider = ServiceProviderFactory()
    women = ParticipantFactory.create_batch(3, village=village)
    sophea = ParticipantFactory(village=village, name_km="ចាន់ សុភា", name_latin="Chan Sophea")
    Referral.objects.bulk_create(
        Referral(participant=woman, project=project, provider=provider, service=ServiceKind.NATIONAL_ID,
                 reason="ID card", consent_given=True, consent_date=dt.date(2023, 1, 1),
                 sent_on=dt.date(2023, 1, 1) + dt.timedelta(days=n), referred_by=officer)
        for n, woman in enumerate([sophea, *women * 70])
    )  # fmt: skip
    page = phone(viewport={"width": 360, "height": 740})
    log_in(page, live_server.url, "sreymom")
    page.goto(live_server.url + reverse("referrals-list"))
    expect(page.locator(".pager-count")).to_have_text("បង្ហាញ ១–៥០ ក្នុងចំណោម ២១១")
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )

    page.locator(".pager-links a", has_text="៥").tap()  # the last page, in Khmer digits
    expect(page).to_have_url(live_server.url + reverse("referrals-list") + "?page=5")
    expect(page.locator(".list li")).to_have_count(11)

    page.locator("input[name=q]").fill("សុភា")
    page.locator("input[name=q]").press("Enter")
    expect(page.locator(".list li")).to_have_count(1)
    expect(page.locator(".list li")).to_contain_text("ចាន់ សុភា")
    expect(page.locator(".pager-count")).to_have_text("សរុប ១")
