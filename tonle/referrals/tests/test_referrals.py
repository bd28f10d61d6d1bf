"""Referrals: consent before anything is shared, steps in order, and a provider sees only its own."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tonle.accounts.models import AccessAction, AccessLog, Role
from tonle.accounts.tests.factories import UserFactory
from tonle.referrals.models import Referral, ReferralStatus, ServiceDelivery, ServiceKind
from tonle.referrals.services import referral_make, referral_move, service_record
from tonle.referrals.tests.factories import ServiceProviderFactory


@pytest.fixture
def provider(world):
    provider = ServiceProviderFactory()
    provider.accounts.add(UserFactory(username="clinic", role=Role.PROVIDER))
    return provider


@pytest.fixture
def referral(world, provider):
    world.woman_a.phone = "012 555 666"
    world.woman_a.save()
    return referral_make(
        by=world.officer_a, participant=world.woman_a, project=world.project_a, provider=provider,
        service=ServiceKind.NATIONAL_ID, reason="No ID card: cannot register for IDPoor",
        consent_given=True, sent_on=dt.date(2023, 4, 1), share_phone=False, share_reason=True,
    )  # fmt: skip


def test_a_referral_without_consent_is_refused_and_nothing_is_saved(world, provider):
    with pytest.raises(ValidationError) as refused:
        referral_make(
            by=world.officer_a, participant=world.woman_a, project=world.project_a, provider=provider,
            service=ServiceKind.HEALTH_VISIT, reason="Check-up", consent_given=False, sent_on=dt.date(2023, 4, 1),
        )  # fmt: skip
    assert list(refused.value.message_dict) == ["consent_given"]
    assert not Referral.objects.exists()


def test_a_referral_without_consent_from_the_page_names_the_field(client, world, provider):
    client.force_login(world.officer_a)
    response = client.post(
        reverse("referrals-new", args=[world.woman_a.pk]),
        {"project": world.project_a.pk, "provider": provider.pk, "service": "health_visit",
         "reason": "Check-up", "sent_on": "2023-04-01"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "consent_given" in response.context["form"].errors


def test_steps_move_in_order_and_service_given_records_the_id_card(world, provider, referral):
    clinic = provider.accounts.get()
    referral_move(
        by=clinic, referral=referral, status=ReferralStatus.RECEIVED, on=dt.date(2023, 4, 2)
    )
    with pytest.raises(ValidationError):
        referral_move(
            by=clinic, referral=referral, status=ReferralStatus.SENT, on=dt.date(2023, 4, 3)
        )
    referral_move(by=clinic, referral=referral, status=ReferralStatus.GIVEN, on=dt.date(2023, 4, 9))

    assert list(referral.steps.values_list("status", "by__username")) == [
        ("sent", "officer_a"), ("received", "clinic"), ("given", "clinic"),
    ]  # fmt: skip
    delivery = ServiceDelivery.objects.get()
    assert (delivery.kind, delivery.referral, delivery.provider) == (
        ServiceKind.NATIONAL_ID,
        referral,
        provider,
    )
    world.woman_a.refresh_from_db()
    assert world.woman_a.has_national_id


def test_a_provider_sees_only_what_she_consented_to_share(client, provider, referral):
    client.force_login(provider.accounts.get())
    page = client.get(reverse("referrals-detail", args=[referral.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Chan Sophea" in html and "No ID card" in html
    assert "012 555 666" not in html  # her phone was not shared
    assert AccessLog.objects.filter(action=AccessAction.READ, record_type="referral").exists()


def test_a_provider_cannot_open_a_referral_addressed_to_another(client, referral):
    other = ServiceProviderFactory()
    stranger = UserFactory(role=Role.PROVIDER)
    other.accounts.add(stranger)
    client.force_login(stranger)
    assert client.get(reverse("referrals-detail", args=[referral.pk])).status_code == 404
    assert list(client.get(reverse("referrals-list")).context["referrals"]) == []
    assert AccessLog.objects.filter(user=stranger, action=AccessAction.REFUSED).exists()
    response = client.post(
        reverse("referrals-step", args=[referral.pk]), {"status": "received", "on": "2023-04-02"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["donor", "mentor", "officer_b"])
def test_others_cannot_open_the_referral(client, world, referral, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("referrals-detail", args=[referral.pk])).status_code == 404


def test_a_provider_marks_the_service_given_from_its_page(client, provider, referral):
    client.force_login(provider.accounts.get())
    url = reverse("referrals-step", args=[referral.pk])
    client.post(url, {"status": "received", "on": "2023-04-02"})
    client.post(url, {"status": "given", "on": "2023-04-05"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.GIVEN


def test_a_service_without_referral_is_recorded(world):
    service_record(
        by=world.officer_a, participant=world.woman_a, project=world.project_a,
        kind=ServiceKind.BIRTH_CERTIFICATE, delivered_on=dt.date(2023, 5, 1),
    )  # fmt: skip
    assert world.woman_a.services.get().referral is None


def test_a_step_without_a_date_is_refused_with_a_readable_message(client, provider, referral):
    client.force_login(provider.accounts.get())
    url = reverse("referrals-step", args=[referral.pk])
    response = client.post(url, {"status": "received"}, follow=True)
    (message,) = [str(m) for m in response.context["messages"]]
    assert message == "This field is required."
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


@pytest.mark.parametrize(
    ("persona", "status"),
    [("admin", 200), ("manager", 200), ("officer_a", 200), ("clinic", 200),
     ("officer_b", 404), ("donor", 404), ("mentor", 404), ("other_clinic", 404)],
)  # fmt: skip
def test_every_role_against_a_referral(client, world, provider, referral, persona, status):
    users = {"clinic": provider.accounts.get()}
    other = ServiceProviderFactory()
    users["other_clinic"] = UserFactory(role=Role.PROVIDER)
    other.accounts.add(users["other_clinic"])
    client.force_login(users.get(persona) or getattr(world, persona))
    assert client.get(reverse("referrals-detail", args=[referral.pk])).status_code == status


def test_a_provider_sees_the_steps_but_not_the_staff_notes(client, world, provider, referral):
    referral_move(by=world.officer_a, referral=referral, status=ReferralStatus.RECEIVED,
                  on=dt.date(2023, 4, 2), note="Staff only: her husband took her card")  # fmt: skip
    client.force_login(provider.accounts.get())
    page = client.get(reverse("referrals-detail", args=[referral.pk]))
    assert len(page.context["steps"]) == 2
    assert "her husband took her card" not in page.content.decode()
    client.force_login(world.officer_a)
    page = client.get(reverse("referrals-detail", args=[referral.pk]))
    assert "her husband took her card" in page.content.decode()


def test_a_provider_reads_the_notes_her_own_organisation_wrote(client, world, provider, referral):
    clinic = provider.accounts.get()
    referral_move(by=clinic, referral=referral, status=ReferralStatus.RECEIVED,
                  on=dt.date(2023, 4, 2), note="Come back on Monday")  # fmt: skip
    client.force_login(clinic)
    assert (
        "Come back on Monday"
        in client.get(reverse("referrals-detail", args=[referral.pk])).content.decode()
    )


def test_every_consent_and_sharing_box_of_a_new_referral_starts_unticked(client, world):
    client.force_login(world.officer_a)
    form = client.get(reverse("referrals-new", args=[world.woman_a.pk])).context["form"]
    boxes = ["consent_given", "share_phone", "share_age", "share_village", "share_reason"]
    assert not any(form[name].value() for name in boxes)


def test_a_staff_read_of_a_referral_is_logged(client, world, referral):
    client.force_login(world.officer_a)
    client.get(reverse("referrals-detail", args=[referral.pk]))
    assert AccessLog.objects.filter(
        user=world.officer_a, action=AccessAction.READ, record_type="referral"
    ).exists()


def test_a_referral_made_without_saying_what_to_share_shares_nothing_but_her_name(world, provider):
    """An import or a command that calls the service without the boxes shares nothing."""
    referral = referral_make(
        by=world.officer_a, participant=world.woman_a, project=world.project_a, provider=provider,
        service=ServiceKind.HEALTH_VISIT, reason="Violence at home", consent_given=True,
        sent_on=dt.date(2023, 4, 1),
    )  # fmt: skip
    shared = [
        referral.share_phone,
        referral.share_age,
        referral.share_village,
        referral.share_reason,
    ]
    assert shared == [False, False, False, False]


def test_a_providers_inbox_is_headed_with_the_name_of_the_provider(client, provider, referral):
    client.force_login(provider.accounts.get())
    page = client.get(reverse("referrals-list")).content.decode()
    assert f"Referrals addressed to {provider.name_en}</h1>" in page
