"""Reads for the demo: whether a database is still empty enough to take it."""

from __future__ import annotations

from tonle.accounts.models import User
from tonle.people.models import Participant
from tonle.programs.models import Project


def database_holds_data() -> bool:
    """True once the database has any account, person or project, demo or real.

    Migrations and the gazetteer create neither, so a database that `migrate` has just made
    is empty; one with a single account (say from `createsuperuser`) is somebody's.
    """
    return User.objects.exists() or Participant.objects.exists() or Project.objects.exists()
