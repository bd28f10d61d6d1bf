"""Referrals nobody follows up: overdue past the project's delays, for the officer, her
supervisor, the provider, the dashboard and the woman's timeline."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tonle.accounts.models import Role
from tonle.accounts.tests.factories import UserFactory
from tonle.programs.models import ProjectMembership
from tonle.referrals.models import Referral, ReferralStatus, Standing
from tonle.referrals.selectors import (
    referral_counts,
    referrals_overdue,
    referrals_with_standing,
)


def _standing(referral: Referral) -> tuple[str, int | None]:
    annotated = referrals_with_standing(referrals=Referral.objects.filter(pk=referral.pk)).get()
    return annotated.standing, annotated.days_waited


# The delays, one by one (the project's defaults: 7 days to receive, 30 to resolve).


def test_a_referral_not_received_after_the_receive_days_is_overdue(world, refer):
    assert _standing(refer(sent=8)) == (Standing.NOT_RECEIVED, 8)


def test_a_referral_not_received_on_the_last_day_allowed_is_not_yet_overdue(world, refer):
    assert _standing(refer(sent=7)) == (Standing.OPEN, 7)


def test_a_referral_received_but_not_resolved_after_the_resolve_days_is_overdue(world, refer):
    # Counted from the day it was received, not the day it was sent.
    assert _standing(refer(sent=40, received=31)) == (Standing.NOT_RESOLVED, 31)
    assert _standing(refer(sent=40, received=30)) == (Standing.OPEN, 30)


def test_a_referral_received_in_time_is_no_longer_overdue_for_receipt(world, refer):
    # Sent 20 days ago (past the 7 days to receive) but received 10 days ago: in time.
    assert _standing(refer(sent=20, received=10)) == (Standing.OPEN, 10)


@pytest.mark.parametrize("final", [ReferralStatus.GIVEN, ReferralStatus.DECLINED])
def test_a_resolved_referral_is_never_overdue_however_old(world, refer, final):
    assert _standing(refer(sent=200, received=150, then=final)) == (Standing.CLOSED, None)


def test_a_referral_she_did_not_come_to_is_closed_not_overdue(world, refer):
    assert _standing(refer(sent=200, then=ReferralStatus.NO_SHOW)) == (Standing.CLOSED, None)


def test_changing_the_projects_delays_changes_what_is_overdue(world, refer):
    not_received, not_resolved = refer(sent=8), refer(sent=40, received=20)
    assert [_standing(r)[0] for r in (not_received, not_resolved)] == [
        Standing.NOT_RECEIVED,
        Standing.OPEN,
    ]
    world.project_a.referral_receive_days = 10
    world.project_a.referral_resolve_days = 14
    world.project_a.save()
    assert [_standing(r)[0] for r in (not_received, not_resolved)] == [
        Standing.OPEN,
        Standing.NOT_RESOLVED,
    ]


def test_days_waited_are_whole_days_across_the_end_of_a_leap_february_and_a_year(world, refer):
    referral = refer(sent=3)
    Referral.objects.filter(pk=referral.pk).update(sent_on=dt.date(2023, 12, 25))
    annotated = referrals_with_standing(
        referrals=Referral.objects.filter(pk=referral.pk), today=dt.date(2024, 3, 1)
    ).get()
    assert annotated.days_waited == 67  # 7 of December, 31 of January, 29 of February


def test_the_overdue_are_filtered_in_the_database_and_listed_longest_waiting_first(world, refer):
    late, later, in_time = refer(sent=9), refer(sent=40, received=35), refer(sent=2)
    refer(
        sent=12, by=world.officer_b, woman=world.woman_b, project=world.project_b
    )  # out of officer A's scope
    overdue = list(referrals_overdue(user=world.officer_a))
    assert overdue == [later, late]
    assert in_time not in overdue


# Where they show: the officer's list, her supervisor's page, the provider's inbox.


def test_the_sending_officer_sees_her_overdue_referral_marked_with_how_long_it_waited(
    client, world, refer
):
    late, in_time = refer(sent=9), refer(sent=2)
    client.force_login(world.officer_a)
    page = client.get(reverse("referrals-list")).content.decode()
    assert page.count('data-overdue="not_received"') == 1
    assert "waiting 9 days" in page and "waiting 2 days" in page

    only = client.get(reverse("referrals-list"), {"overdue": "1"})
    assert list(only.context["referrals"]) == [late]
    assert reverse("referrals-detail", args=[in_time.pk]) not in only.content.decode()


def test_the_officer_reads_how_long_it_waited_in_khmer(client, world, refer):
    refer(sent=12)
    client.force_login(world.officer_a)
    with translation.override("km"):
        page = client.get(reverse("referrals-list"), HTTP_ACCEPT_LANGUAGE="km").content.decode()
    assert "ហួសកំណត់៖ មិនទាន់ទទួល" in page
    assert "រង់ចាំ ១២ ថ្ងៃ" in page
    assert 'data-days-waited="12"' in page


def test_her_supervisor_sees_her_overdue_referral_on_the_supervision_page(client, world, refer):
    supervisor = UserFactory(username="lead", role=Role.FIELD_OFFICER)
    ProjectMembership.objects.create(project=world.project_a, user=supervisor)
    world.officer_a.supervisor = supervisor
    world.officer_a.save()
    colleague = UserFactory(username="colleague", role=Role.FIELD_OFFICER)
    ProjectMembership.objects.create(project=world.project_a, user=colleague)
    hers = refer(sent=40, received=33)
    not_her_team = refer(sent=10, by=colleague)
    refer(sent=3)  # in time

    client.force_login(supervisor)
    response = client.get(reverse("cases-supervision"))
    page = response.content.decode()
    (section,) = [s for s in response.context["sections"] if s.code == "referrals-overdue"]
    assert (section.total, list(section.rows)) == (1, [hers])
    assert 'data-total="referrals-overdue">1<' in page
    assert 'data-overdue="not_resolved"' in page and "waiting 33 days" in page
    assert reverse("referrals-detail", args=[not_her_team.pk]) not in page


def test_a_manager_supervising_officers_sees_every_overdue_referral(client, world, refer):
    world.officer_a.supervisor = world.manager
    world.officer_a.save()
    refer(sent=9)
    refer(sent=11, by=world.officer_b, woman=world.woman_b, project=world.project_b)
    client.force_login(world.manager)
    page = client.get(reverse("cases-supervision")).content.decode()
    assert 'data-total="referrals-overdue">2<' in page


def test_the_provider_sees_the_overdue_ones_marked_in_her_inbox(client, world, provider, refer):
    late = refer(sent=10)
    refer(sent=10, received=1)  # received in time
    client.force_login(provider.accounts.get())
    response = client.get(reverse("referrals-list"))
    page = response.content.decode()
    assert page.count('data-overdue="not_received"') == 1
    assert "waiting 10 days" in page and "waiting 1 day<" in page
    assert list(client.get(reverse("referrals-list"), {"overdue": "1"}).context["referrals"]) == [
        late
    ]


def test_the_provider_opening_an_overdue_referral_sees_how_long_it_waited(
    client, world, provider, refer
):
    late = refer(sent=12, received=11)
    world.project_a.referral_resolve_days = 5
    world.project_a.save()
    client.force_login(provider.accounts.get())
    page = client.get(reverse("referrals-detail", args=[late.pk])).content.decode()
    assert 'data-overdue="not_resolved"' in page and "waiting 11 days" in page


def test_the_referrals_list_reads_its_standing_without_a_query_per_referral(client, world, refer):
    client.force_login(world.officer_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            assert client.get(reverse("referrals-list")).status_code == 200
        return len(done)

    refer(sent=9)
    few = queries()
    for days in range(1, 13):
        refer(sent=days, received=0 if days % 2 else None)
    assert queries() == few


# The woman's timeline and the dashboard.


def test_her_timeline_says_where_her_referral_stands(client, world, refer):
    refer(sent=45, received=38)
    refer(sent=5, received=1, then=ReferralStatus.GIVEN)
    client.force_login(world.officer_a)
    page = client.get(reverse("people-detail", args=[world.woman_a.pk])).content.decode()
    assert "Overdue: not resolved · waiting 38 days" in page
    assert "Service given" in page


def test_the_dashboard_counts_referrals_closed_overdue_and_open(client, world, refer):
    for _ in range(2):
        refer(sent=50, received=49, then=ReferralStatus.GIVEN)
    for sent in (8, 9, 40):
        refer(sent=sent, received=35 if sent == 40 else None)
    refer(sent=1)
    refer(
        sent=20, by=world.officer_b, woman=world.woman_b, project=world.project_b
    )  # another project's
    assert referral_counts(project=world.project_a).__dict__ == {
        "closed": 2,
        "overdue": 3,
        "open": 1,
    }
    client.force_login(world.manager)
    response = client.get(reverse("results-dashboard", args=[world.project_a.slug]))
    page = response.content.decode()
    for code, count in [("closed", 2), ("overdue", 3), ("open", 1)]:
        assert f'data-figure="referrals:{code}">{count}<' in page


def test_a_donor_never_sees_a_referral_count_from_1_to_4(client, world, refer):
    for _ in range(6):
        refer(sent=50, received=49, then=ReferralStatus.GIVEN)
    for _ in range(7):
        refer(sent=9)
    refer(sent=1)  # one open: hidden, and the smaller of the others with it
    client.force_login(world.donor)
    page = client.get(reverse("results-dashboard", args=[world.project_a.slug])).content.decode()
    assert 'data-suppressed="referrals:open"' in page
    assert 'data-suppressed="referrals:closed"' in page
    assert 'data-figure="referrals:overdue">7<' in page


def test_a_donor_sees_the_referral_counts_when_none_is_small(client, world, refer):
    for _ in range(5):
        refer(sent=50, received=49, then=ReferralStatus.GIVEN)
        refer(sent=9)
    client.force_login(world.donor)
    page = client.get(reverse("results-dashboard", args=[world.project_a.slug])).content.decode()
    assert 'data-figure="referrals:closed">5<' in page
    assert 'data-figure="referrals:overdue">5<' in page
    assert 'data-figure="referrals:open">0<' in page


# The delays are settings of the project, edited where the project is.


def test_an_administrator_edits_the_referral_delays_on_the_project(client, world):
    client.force_login(world.admin)
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    page = client.get(
        reverse("admin:programs_project_change", args=[world.project_a.pk])
    ).content.decode()
    assert 'name="referral_receive_days" value="7"' in page
    assert 'name="referral_resolve_days" value="30"' in page
