"""The deploy check that no demo account still opens with its published password."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError

from tonle.accounts.models import User
from tonle.demo.services import DEMO_USERS


@register(Tags.security, deploy=True)
def demo_passwords_check(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """An error for each active demo account whose password is still the one in the README."""
    if settings.DEBUG:
        return []
    passwords = {username: password for username, password, *_rest in DEMO_USERS}
    try:
        accounts = list(User.objects.filter(username__in=passwords, is_active=True))
    except DatabaseError:
        # Not migrated yet: no table, so no account anyone could log in with.
        return []
    return [
        Error(
            f"The demo account '{account.username}' still logs in with its demo password.",
            hint=f"Delete it, or give it a new password: manage.py changepassword {account.username}",
            obj=account,
            id="tonle.E001",
        )
        # The hasher's own function: User.check_password would save an upgraded hash.
        for account in accounts
        if check_password(passwords[account.username], account.password)
    ]
