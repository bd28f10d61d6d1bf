"""The referrals list: every referral reachable a page at a time, its count said, found by her
name in Khmer or Latin letters (as the people search finds her), filtered by status and provider."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tonle.accounts.models import Role
from tonle.accounts.tests.factories import UserFactory
from tonle.people.tests.factories import ParticipantFactory
from tonle.referrals.models import Referral, ReferralStatus, ServiceKind
from tonle.referrals.tests.factories import ServiceProviderFactory

START = dt.date(2023, 1, 1)


def _referrals(world, *, woman, provider, count, status=ReferralStatus.SENT, first_day=0):
    """Many referrals at once, one a day from START (the newest listed first)."""
    return Referral.objects.bulk_create(
        Referral(
            participant=woman, project=world.project_a, provider=provider,
            service=ServiceKind.HEALTH_VISIT, reason="Check-up", consent_given=True,
            consent_date=START, sent_on=START + dt.timedelta(days=first_day + n), status=status,
            referred_by=world.officer_a,
        )
        for n in range(count)
    )  # fmt: skip


@pytest.fixture
def provider(world):
    return ServiceProviderFactory(name_en="Bakong health centre")


def test_the_201st_referral_is_on_a_later_page_and_the_count_is_shown(client, world, provider):
    _referrals(world, woman=world.woman_a, provider=provider, count=201)
    oldest = Referral.objects.order_by("sent_on").first()
    client.force_login(world.officer_a)
    first = client.get(reverse("referrals-list"))
    assert oldest not in first.context["referrals"]
    assert "Showing 1–50 of 201" in first.content.decode()
    last = client.get(
        reverse("referrals-list"), {"page": first.context["referrals"].paginator.num_pages}
    )
    assert oldest in last.context["referrals"]
    assert "Showing 201–201 of 201" in last.content.decode()


@pytest.mark.parametrize("typed", ["ចាន់ សុភា", "ចាន់សុភា", "សុភា", "Chan Sophea", "sophea", "CHAN"])
def test_referrals_are_found_by_her_name_in_khmer_or_latin_letters(client, world, provider, typed):
    other = ParticipantFactory(village=world.village_a, name_latin="Keo Dara", name_km="កែវ ដារ៉ា")
    (hers,) = _referrals(world, woman=world.woman_a, provider=provider, count=1)
    _referrals(world, woman=other, provider=provider, count=3)
    client.force_login(world.officer_a)
    found = client.get(reverse("referrals-list"), {"q": typed})
    assert list(found.context["referrals"]) == [hers]
    assert 'value="' + typed + '"' in found.content.decode()


def test_a_name_search_finds_nobody_outside_the_users_scope(client, world, provider):
    _referrals(world, woman=world.woman_a, provider=provider, count=2)
    client.force_login(world.officer_b)
    assert list(client.get(reverse("referrals-list"), {"q": "sophea"}).context["referrals"]) == []


def test_referrals_are_filtered_by_status_and_provider_and_the_pager_keeps_the_filters(
    client, world, provider
):
    elsewhere = ServiceProviderFactory(name_en="ID office")
    _referrals(world, woman=world.woman_a, provider=provider, count=60)
    _referrals(world, woman=world.woman_a, provider=elsewhere, count=5)
    _referrals(world, woman=world.woman_a, provider=provider, count=4, status=ReferralStatus.GIVEN)
    client.force_login(world.officer_a)
    query = {"status": "sent", "provider": provider.pk}
    page = client.get(reverse("referrals-list"), query).context["referrals"]
    assert page.paginator.count == 60
    assert page.next_url == f"?status=sent&provider={provider.pk}&page=2"
    listed = client.get(reverse("referrals-list"), {**query, "page": 2}).context["referrals"]
    assert {(r.provider, r.status) for r in listed} == {(provider, ReferralStatus.SENT)}
    assert len(listed) == 10
    choices = client.get(reverse("referrals-list")).context["providers"]
    assert set(choices) == {provider, elsewhere}


def test_a_provider_finds_by_name_only_the_referrals_addressed_to_her(client, world, provider):
    clinic = UserFactory(role=Role.PROVIDER)
    provider.accounts.add(clinic)
    (ours,) = _referrals(world, woman=world.woman_a, provider=provider, count=1)
    _referrals(world, woman=world.woman_a, provider=ServiceProviderFactory(), count=2)
    client.force_login(clinic)
    response = client.get(reverse("referrals-list"), {"q": "ចាន់"})
    assert list(response.context["referrals"]) == [ours]
    assert 'name="provider"' not in response.content.decode()


def test_a_page_of_referrals_costs_the_same_queries_however_many_there_are(client, world, provider):
    client.force_login(world.officer_a)
    _referrals(world, woman=world.woman_a, provider=provider, count=3)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("referrals-list"), {"q": "sophea"})
    _referrals(world, woman=world.woman_a, provider=provider, count=120, first_day=10)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("referrals-list"), {"q": "sophea", "page": "2"})
    assert len(many) == len(few)
