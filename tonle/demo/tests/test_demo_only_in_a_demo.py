"""The demo and its public passwords never reach a database that holds real data."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from tonle.accounts.models import User
from tonle.accounts.tests.factories import UserFactory
from tonle.demo.management.commands.load_demo import NOT_LOADED
from tonle.demo.services import DEMO_USERS, PROJECT_SLUG
from tonle.geo.models import Village
from tonle.people.models import Participant
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Project

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = [username for username, *_rest in DEMO_USERS]


@pytest.fixture
def real_data():
    UserFactory(username="sreyneang")
    ParticipantFactory(name_latin="Keo Malis")


def _nothing_of_the_demo() -> bool:
    return (
        not User.objects.filter(username__in=DEMO_USERNAMES).exists()
        and not Project.objects.filter(slug=PROJECT_SLUG).exists()
        and Participant.objects.count() == 1
    )


def test_make_run_loads_no_demo_into_a_database_with_real_data(real_data):
    villages = Village.objects.count()
    printed = io.StringIO()

    call_command("load_demo", if_empty=True, stdout=printed)

    assert printed.getvalue().strip() == NOT_LOADED
    assert _nothing_of_the_demo()
    assert Village.objects.count() == villages


def test_load_demo_refuses_a_database_with_real_data(real_data):
    with pytest.raises(CommandError, match="already holds data"):
        call_command("load_demo")

    assert _nothing_of_the_demo()


def test_one_account_made_with_createsuperuser_is_enough_to_keep_the_demo_out():
    call_command("createsuperuser", username="dara", email="", interactive=False)

    call_command("load_demo", if_empty=True, stdout=io.StringIO())

    assert list(User.objects.values_list("username", flat=True)) == ["dara"]


def _demo_password_errors() -> list:
    return [m for m in run_checks(include_deployment_checks=True) if m.id == "tonle.E001"]


def test_check_deploy_fails_while_a_demo_password_works(settings):
    settings.DEBUG = False
    admin = UserFactory(username="admin")
    admin.set_password("tonle-admin")
    admin.save()

    with pytest.raises(SystemCheckError, match="demo account 'admin'"):
        call_command("check", deploy=True)

    admin.set_password("a-password-only-she-knows")
    admin.save()
    assert _demo_password_errors() == []


def test_the_demo_password_check_leaves_a_development_machine_alone(settings):
    settings.DEBUG = True
    admin = UserFactory(username="admin")
    admin.set_password("tonle-admin")
    admin.save()

    assert _demo_password_errors() == []


def test_check_deploy_runs_on_a_database_not_yet_migrated(tmp_path):
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        env={
            "PATH": os.environ["PATH"],
            "SECRET_KEY": "a-key-for-this-test",
            "TONLE_VAR_DIR": str(tmp_path),
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert checked.returncode == 0, checked.stderr
    assert "tonle.E001" not in checked.stderr
