"""Shared personas: the people whose rights every permission test checks."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from tonle.accounts.models import Role, User
from tonle.accounts.tests.factories import UserFactory
from tonle.geo.models import Village
from tonle.geo.tests.factories import VillageFactory
from tonle.groups.models import GroupRole, SmartWomenGroup
from tonle.groups.tests.factories import GroupMembershipFactory, SmartWomenGroupFactory
from tonle.people.models import Participant
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Project, ProjectMembership
from tonle.programs.tests.factories import ProjectFactory

# Chromium on a phone for the browser tests of every app.
pytest_plugins = ["tonle.lib.testing.browser"]


@dataclass
class World:
    """Two projects in different villages, and one user of each role."""

    project_a: Project
    project_b: Project
    village_a: Village
    village_b: Village
    admin: User
    manager: User
    officer_a: User
    officer_b: User
    mentor: User
    donor: User
    woman_a: Participant
    woman_b: Participant
    mentee: Participant
    group_a: SmartWomenGroup


@pytest.fixture
def world(db: None) -> World:
    return world_build()


def world_build() -> World:
    """The personas' world, for a fixture of a wider scope than a test's (see `world`)."""
    village_a, village_b = VillageFactory(), VillageFactory()
    project_a = ProjectFactory(slug="project-a", communities=[village_a])
    project_b = ProjectFactory(slug="project-b", communities=[village_b])
    users = {
        "admin": UserFactory(username="admin", role=Role.ADMINISTRATOR),
        "manager": UserFactory(username="manager", role=Role.ME_MANAGER),
        "officer_a": UserFactory(username="officer_a", role=Role.FIELD_OFFICER),
        "officer_b": UserFactory(username="officer_b", role=Role.FIELD_OFFICER),
        "mentor": UserFactory(username="mentor", role=Role.SMART_WOMAN),
        "donor": UserFactory(username="donor", role=Role.DONOR_VIEWER),
    }
    for name, project in [("officer_a", project_a), ("officer_b", project_b), ("mentor", project_a),
                          ("donor", project_a)]:  # fmt: skip
        ProjectMembership.objects.create(project=project, user=users[name])
    group_a = SmartWomenGroupFactory(project=project_a, village=village_a)
    leader = GroupMembershipFactory(group=group_a, role=GroupRole.LEADER).participant
    leader.account = users["mentor"]
    leader.save()
    mentee = GroupMembershipFactory(group=group_a).participant
    return World(
        project_a=project_a,
        project_b=project_b,
        village_a=village_a,
        village_b=village_b,
        woman_a=ParticipantFactory(village=village_a, name_latin="Chan Sophea", name_km="ចាន់ សុភា"),
        woman_b=ParticipantFactory(village=village_b, name_latin="Keo Dara", name_km="កែវ ដារ៉ា"),
        mentee=mentee,
        group_a=group_a,
        **users,
    )


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Khmer leaves Khmer active in the thread; the next test starts in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _public_pages_cache_empty():
    """Each test's public pages are built from its own records, never from another test's."""
    caches["public"].clear()
