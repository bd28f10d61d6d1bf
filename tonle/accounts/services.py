"""Writes for accounts: a user's role and supervisor, and the log of reads and refused attempts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tonle.accounts.models import AccessAction, AccessLog, Role, User
from tonle.lib.models import recorded_by

# Who may check whose work: a field officer (or a manager) a Smart Woman's, a manager an officer's.
SUPERVISOR_ROLES = {Role.ADMINISTRATOR, Role.ME_MANAGER, Role.FIELD_OFFICER}


def user_check(*, user: User) -> None:
    """A supervisor is a member of staff, never herself nor anyone she supervises."""
    supervisor = user.supervisor
    if supervisor is None:
        return
    if supervisor.pk is not None and supervisor.pk == user.pk:
        raise ValidationError({"supervisor": _("A worker cannot supervise herself.")})
    if supervisor.role not in SUPERVISOR_ROLES:
        raise ValidationError(
            {"supervisor": _("%(name)s is a %(role)s: a supervisor is a field officer or a manager.")
             % {"name": supervisor.username, "role": supervisor.get_role_display()}}
        )  # fmt: skip
    above: User | None = supervisor
    seen: set[int] = set()
    while above is not None and above.pk not in seen:
        if user.pk is not None and above.pk == user.pk:
            raise ValidationError(
                {"supervisor": _("%(name)s is supervised by her, directly or through others.")
                 % {"name": supervisor.username}}
            )  # fmt: skip
        seen.add(above.pk)
        above = above.supervisor


def user_save(*, by: User | None, user: User) -> User:
    """Save a user's role, supervisor and details, with her history (who changed what, when)."""
    user_check(user=user)
    recorded_by(user, user=by)
    with transaction.atomic():
        user.save()
    return user


def access_log(
    *, user: User | None, action: str, record_type: str, record_id: object, path: str = ""
) -> AccessLog:
    """Keep one line in the access log: who read or was refused which record, and where."""
    return AccessLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=AccessAction(action),
        record_type=record_type,
        record_id=str(record_id)[:40],  # the column's width: a long id typed by hand is cut
        path=path[:300],
    )
