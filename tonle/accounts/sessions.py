"""The idle session of a shared phone, renewed by her requests without a write on each one.

A session ends SESSION_COOKIE_AGE after her last request. Saving the session on every
request (SESSION_SAVE_EVERY_REQUEST) would do that exactly, but costs every page a write
and, on SQLite, the database's write lock: fifty officers searching and ticking would
queue behind each other's session rows. Here the row is written again only once its expiry
has fallen RENEW_AFTER behind a fresh one, so a session ends between SESSION_COOKIE_AGE
minus RENEW_AFTER and SESSION_COOKIE_AGE after her last request.

SESSION_ENGINE names this module (its SessionStore); MIDDLEWARE names SessionMiddleware.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


def renew_after() -> dt.timedelta:
    """How stale a session's expiry may grow before a request writes it again: five
    minutes, or a tenth of the idle time if that is shorter."""
    return dt.timedelta(seconds=min(300, settings.SESSION_COOKIE_AGE / 10))


class SessionStore(db.SessionStore):
    """The database's sessions, keeping the expiry read with the session."""

    stored_expiry: dt.datetime | None = None

    def load(self) -> dict[str, Any]:
        stored = self._get_session_from_db()  # type: ignore[attr-defined]  # not in the stubs
        self.stored_expiry = stored.expire_date if stored else None
        return self.decode(stored.session_data) if stored else {}


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, saving a session nobody changed only when its expiry is due for renewal."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.modified:
            expiry = getattr(session, "stored_expiry", None)
            fresh = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
            if expiry is not None and fresh - expiry > renew_after():
                session.modified = True
        return super().process_response(request, response)
