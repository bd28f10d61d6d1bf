"""Every migration of Tonle's apps can be undone and applied again, on this test's database."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

OURS = ["geo", "accounts", "collect", "people", "programs", "groups", "cases", "referrals",
        "transport", "outcomes", "results"]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_every_migration_reverses_and_applies_again():
    # Unapplying the places and the users unapplies everything of ours that builds on them.
    call_command("migrate", "geo", "zero", verbosity=0)
    call_command("migrate", "accounts", "zero", verbosity=0)
    applied = {app for app, _name in MigrationRecorder(connection).applied_migrations()}
    assert not applied & set(OURS)

    call_command("migrate", verbosity=0)

    applied = {app for app, _name in MigrationRecorder(connection).applied_migrations()}
    assert set(OURS) <= applied
