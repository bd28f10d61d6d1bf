"""View decorators that turn a role rule into a 403 page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def names_required(view: View) -> View:
    """Pages that show a person's name: refused to donor viewers."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.may_see_names:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def editor_required(view: View) -> View:
    """Pages that change records: staff who keep the registry."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.may_edit_records:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
