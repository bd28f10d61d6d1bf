"""Two people moving one referral at once: the second is refused, and steps and status agree."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tonle.lib.testing.races import at_once, needs_waiting_connections
from tonle.referrals.models import Referral, ReferralStatus, ServiceDelivery, ServiceKind
from tonle.referrals.services import referral_make, referral_move


@pytest.fixture
def received(world, provider):
    """A referral the clinic has received, ready for "service given"."""
    referral = referral_make(
        by=world.officer_a, participant=world.woman_a, project=world.project_a, provider=provider,
        service=ServiceKind.HEALTH_VISIT, reason="Check-up", consent_given=True,
        sent_on=dt.date(2023, 4, 1),
    )  # fmt: skip
    referral_move(by=world.officer_a, referral=referral, status=ReferralStatus.RECEIVED,
                  on=dt.date(2023, 4, 2))  # fmt: skip
    return referral


def _steps_and_status_agree(referral: Referral) -> None:
    referral.refresh_from_db()
    statuses = list(referral.steps.order_by("id").values_list("status", flat=True))
    assert statuses == ["sent", "received", "given"]
    assert referral.status == statuses[-1] == ReferralStatus.GIVEN
    assert ServiceDelivery.objects.filter(referral=referral).count() == 1


def test_a_second_given_on_a_page_opened_before_the_first_is_refused(world, provider, received):
    # Two phones opened the referral while it was "received"; both press "service given".
    first = Referral.objects.get(pk=received.pk)
    second = Referral.objects.get(pk=received.pk)
    clinic = provider.accounts.get()
    referral_move(by=clinic, referral=first, status=ReferralStatus.GIVEN, on=dt.date(2023, 4, 9))

    with pytest.raises(ValidationError) as refused:
        referral_move(by=world.officer_a, referral=second, status=ReferralStatus.GIVEN,
                      on=dt.date(2023, 4, 9))  # fmt: skip

    assert list(refused.value.message_dict) == ["status"]
    _steps_and_status_agree(received)


def test_a_declined_after_a_given_on_a_stale_page_does_not_contradict_the_steps(
    world, provider, received
):
    stale = Referral.objects.get(pk=received.pk)
    referral_move(by=world.officer_a, referral=received, status=ReferralStatus.GIVEN,
                  on=dt.date(2023, 4, 9))  # fmt: skip
    with pytest.raises(ValidationError):
        referral_move(by=world.officer_a, referral=stale, status=ReferralStatus.DECLINED,
                      on=dt.date(2023, 4, 9))  # fmt: skip
    _steps_and_status_agree(received)


@needs_waiting_connections
@pytest.mark.django_db(transaction=True)
def test_two_given_at_the_same_moment_give_one_service_and_one_clear_refusal(
    world, provider, received
):
    clinic = provider.accounts.get()

    def give(user):
        return lambda: referral_move(
            by=user, referral=Referral.objects.get(pk=received.pk), status=ReferralStatus.GIVEN,
            on=dt.date(2023, 4, 9),
        )  # fmt: skip

    outcomes = at_once(give(clinic), give(world.officer_a))

    assert sorted(type(o).__name__ for o in outcomes) == ["Referral", "ValidationError"]
    _steps_and_status_agree(received)
