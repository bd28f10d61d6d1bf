"""An administrator keeps the reference data in the browser, on a phone, with no developer:
a provider with its account, a driver with his contract, a session topic, and a Smart Woman
moved to another group (issue 11, acceptance 4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tonle.accounts.models import Role, User
from tonle.accounts.tests.factories import UserFactory
from tonle.cases.models import SessionTopic
from tonle.geo.tests.factories import CommuneFactory, VillageFactory
from tonle.groups.models import GroupMembership, GroupRole
from tonle.groups.tests.factories import GroupMembershipFactory, SmartWomenGroupFactory
from tonle.lib.testing.browser import log_in
from tonle.programs.tests.factories import ProjectFactory
from tonle.referrals.models import ServiceProvider
from tonle.transport.models import Driver, FareRule

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def _save(page: Page) -> None:
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def test_an_administrator_keeps_providers_drivers_topics_and_groups_in_the_browser(
    live_server, phone
):
    bakong, banteay = VillageFactory(), VillageFactory()
    project = ProjectFactory(communities=[bakong, banteay])
    group_a = SmartWomenGroupFactory(project=project, village=bakong)
    group_b = SmartWomenGroupFactory(project=project, village=banteay, name_en="Banteay Srei group")
    smart_woman = GroupMembershipFactory(group=group_a, role=GroupRole.LEADER).participant
    commune = CommuneFactory()
    UserFactory(username="chief", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    page = phone(locale="en-GB")
    log_in(page, live_server.url, "chief")
    admin = live_server.url + "/admin/"

    # The provider's account, then the provider reading its referrals through it.
    page.goto(admin + "accounts/user/add/")
    page.locator("input[name=username]").fill("clinic2")
    page.locator("select[name=role]").select_option(Role.PROVIDER)
    page.locator("input[name=password1]").fill("a-long-clinic-password")
    page.locator("input[name=password2]").fill("a-long-clinic-password")
    _save(page)
    page.goto(admin + "referrals/serviceprovider/add/")
    page.locator("input[name=name_en]").fill("Banteay Srei health centre")
    page.locator("select[name=kind]").select_option("health_centre")
    page.locator("input[name=commune]").fill(str(commune.pk))
    page.locator(".field-accounts .select2-selection").click()
    page.locator(".select2-search__field").fill("clinic2")
    page.locator(".select2-results__option", has_text="clinic2").click()
    _save(page)

    # A driver with his contract, as one form with the contract inline.
    page.goto(admin + "transport/driver/add/")
    page.locator("input[name=name]").fill("Sok Chea")
    page.locator("input[name=commune]").fill(str(commune.pk))
    page.locator(".add-row a").click()
    page.locator("select[name=contracts-0-project]").select_option(str(project.pk))
    page.locator("input[name=contracts-0-starts_on]").fill("2024-01-01")
    page.locator("input[name=contracts-0-ends_on]").fill("2024-12-31")
    page.locator("select[name=contracts-0-fare_rule]").select_option(FareRule.PER_TRIP)
    page.locator("input[name=contracts-0-rate]").fill("5000")
    page.locator("input[name=contracts-0-ceiling]").fill("8000")
    _save(page)

    page.goto(admin + "cases/sessiontopic/add/")
    page.locator("input[name=code]").fill("savings")
    page.locator("input[name=name_en]").fill("Savings groups")
    page.locator("input[name=name_km]").fill("ក្រុមសន្សំប្រាក់")
    _save(page)

    # The Smart Woman moves to the Banteay Srei group, from her group's page.
    page.goto(live_server.url + reverse("groups-detail", args=[group_a.pk]))
    page.locator("tr", has_text=smart_woman.name_latin).get_by_role("link", name="Move").click()
    page.locator("select[name=to_group]").select_option(str(group_b.pk))
    page.locator("input[name=on]").fill("2024-05-01")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("moved to Banteay Srei group")

    chief = User.objects.get(username="chief")
    provider = ServiceProvider.objects.get(name_en="Banteay Srei health centre")
    assert [u.username for u in provider.accounts.all()] == ["clinic2"]
    assert User.objects.get(username="clinic2").role == Role.PROVIDER
    assert provider.history.latest().history_user == chief
    driver = Driver.objects.get(name="Sok Chea")
    contract = driver.contracts.get()
    assert (contract.project, contract.starts_on, contract.rate) == (
        project,
        dt.date(2024, 1, 1),
        5000,
    )
    assert contract.history.get().history_user == chief
    assert SessionTopic.objects.get(code="savings").history.get().history_user == chief
    spells = GroupMembership.objects.filter(participant=smart_woman).order_by("started_on")
    assert [(m.group, m.started_on, m.ended_on, m.role) for m in spells] == [
        (group_a, dt.date(2022, 3, 1), dt.date(2024, 5, 1), GroupRole.LEADER),
        (group_b, dt.date(2024, 5, 1), None, GroupRole.LEADER),
    ]
