"""A provider's accounts keep their history from whichever side they are changed."""

import pytest

from tonle.accounts.models import Role
from tonle.accounts.tests.factories import UserFactory
from tonle.referrals.tests.factories import ServiceProviderFactory

pytestmark = pytest.mark.django_db


def test_a_users_providers_changed_from_her_side_are_in_each_providers_history():
    """Setting them from the user's side failed (simple-history wrote it on the user)."""
    leang_dai, bakong = ServiceProviderFactory(), ServiceProviderFactory()
    clinic = UserFactory(role=Role.PROVIDER)
    clinic.providers.set([leang_dai])
    clinic.providers.set([bakong])
    clinic.providers.clear()

    def accounts_in_history(provider):
        return [
            sorted(account.user_id for account in record.accounts.all())
            for record in provider.history.order_by("history_id")
        ]

    assert accounts_in_history(leang_dai)[-2:] == [[clinic.pk], []]
    assert accounts_in_history(bakong)[-2:] == [[clinic.pk], []]
