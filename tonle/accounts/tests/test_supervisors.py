"""A worker's role and supervisor, kept by an administrator with their history."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tonle.accounts.models import Role
from tonle.accounts.services import user_save
from tonle.accounts.tests.factories import PASSWORD
from tonle.cases.models import SessionTopic
from tonle.referrals.tests.factories import ServiceProviderFactory


@pytest.fixture
def staff_admin(world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    return world.admin


def test_a_supervisor_change_is_kept_with_who_made_it(world):
    world.mentor.supervisor = world.officer_a
    user_save(by=world.admin, user=world.mentor)

    latest = world.mentor.history.latest()
    assert (latest.supervisor_id, latest.history_user) == (world.officer_a.pk, world.admin)


@pytest.mark.parametrize("supervisor", ["mentor", "donor", "self", "her_own_supervisee"])
def test_a_supervisor_who_cannot_supervise_her_is_refused(world, supervisor):
    world.mentor.supervisor = world.officer_a
    world.mentor.save()
    officer = world.officer_a
    officer.supervisor = {"mentor": world.mentor, "donor": world.donor, "self": officer,
                          "her_own_supervisee": world.mentor}[supervisor]  # fmt: skip
    if supervisor == "her_own_supervisee":
        world.mentor.role = Role.FIELD_OFFICER  # a supervisee of the right role, still a loop

    with pytest.raises(ValidationError) as refused:
        user_save(by=world.admin, user=officer)
    assert list(refused.value.message_dict) == ["supervisor"]


def test_a_login_adds_no_history_row(client, world):
    rows = world.officer_a.history.count()

    client.login(username="officer_a", password=PASSWORD)

    assert world.officer_a.history.count() == rows


def test_the_admin_refuses_a_donor_as_supervisor_beside_the_field(client, world, staff_admin):
    client.force_login(staff_admin)
    url = reverse("admin:accounts_user_change", args=[world.officer_a.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(supervisor=world.donor.pk, role=Role.FIELD_OFFICER, date_joined_0="2024-01-01",
                date_joined_1="10:00:00", groups=[], user_permissions=[])  # fmt: skip

    page = client.post(url, data)

    assert page.status_code == 200
    assert "a supervisor is a field officer or a manager" in page.content.decode()


def test_the_admin_refuses_a_staff_account_for_a_provider(client, world, staff_admin):
    client.force_login(staff_admin)
    provider = ServiceProviderFactory()
    url = reverse("admin:referrals_serviceprovider_change", args=[provider.pk])

    page = client.post(url, {"name_en": provider.name_en, "kind": provider.kind,
                             "commune": provider.commune_id, "accounts": [world.officer_a.pk]})  # fmt: skip

    assert page.status_code == 200
    assert "Only a service provider" in page.content.decode()
    assert not provider.accounts.exists()


@pytest.mark.parametrize(
    "changelist",
    [
        "accounts_user", "referrals_serviceprovider", "transport_driver", "cases_sessiontopic",
        "reports_reporttemplate", "groups_smartwomengroup",
    ],
)  # fmt: skip
def test_each_reference_list_of_the_admin_can_be_searched(client, world, staff_admin, changelist):
    SessionTopic.objects.create(code="health", name_en="Health")
    client.force_login(staff_admin)

    page = client.get(reverse(f"admin:{changelist}_changelist"), {"q": "a"})

    assert page.status_code == 200
