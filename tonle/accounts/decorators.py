"""View decorators that turn a role rule into a 403 page (the refusal middleware logs it)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from tonle.accounts.models import Role, User

View = Callable[..., HttpResponse]


def _role_required(allowed: Callable[[User], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Pages that show a person's name: refused to donor viewers and providers.
names_required = _role_required(lambda user: user.may_see_names)
# The referrals list: the staff's, or a provider's inbox of those addressed to it.
referrals_required = _role_required(lambda user: user.may_read_referrals)
# The supervision of a team's cases.
supervisor_required = _role_required(lambda user: user.may_supervise)
# Pages that change records: the staff who keep the registry.
editor_required = _role_required(lambda user: user.may_edit_records)
# The access log itself.
administrator_required = _role_required(
    lambda user: user.is_superuser or user.role == Role.ADMINISTRATOR
)
# Data cleaning for the whole registry (the duplicate search): administrators and M&E managers.
manager_required = _role_required(lambda user: user.is_manager)
