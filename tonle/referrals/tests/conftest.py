"""A referral sent and moved on so many days ago, for the tests of what is overdue."""

import datetime as dt

import pytest
from django.utils import timezone

from tonle.accounts.models import Role
from tonle.accounts.tests.factories import UserFactory
from tonle.referrals.models import Referral, ReferralStatus, ServiceKind
from tonle.referrals.services import referral_make, referral_move
from tonle.referrals.tests.factories import ServiceProviderFactory


def _days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def provider(world):
    provider = ServiceProviderFactory(name_en="Bakong health centre")
    provider.accounts.add(UserFactory(username="clinic", role=Role.PROVIDER))
    return provider


@pytest.fixture
def refer(world, provider):
    """A referral of a woman of project A, sent `sent` days ago, received `received` days ago
    (None: not yet), and then moved to `then` on the day it was received."""

    def refer(
        *,
        sent: int,
        received: int | None = None,
        then: str = "",
        by=None,
        woman=None,
        project=None,
    ) -> Referral:
        referral = referral_make(
            by=by or world.officer_a, participant=woman or world.woman_a,
            project=project or world.project_a,
            provider=provider, service=ServiceKind.HEALTH_VISIT, reason="Check-up",
            consent_given=True, sent_on=_days_ago(sent),
        )  # fmt: skip
        clinic = provider.accounts.get()
        if received is not None:
            referral_move(
                by=clinic, referral=referral, status=ReferralStatus.RECEIVED, on=_days_ago(received)
            )
        if then:
            referral_move(by=clinic, referral=referral, status=then, on=_days_ago(received or 0))
        return referral

    return refer
