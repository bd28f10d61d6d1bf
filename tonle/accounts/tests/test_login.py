"""Log-in lockout (django-axes, turned on here) and the idle session on a shared phone."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tonle.accounts.sessions import renew_after
from tonle.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.10"
ELSEWHERE = "198.51.100.20"
PROXY = "192.0.2.1"
WRONG = "not-her-password"


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True


def _log_in(client: Client, username: str, password: str, address: str, **headers: str):
    return client.post(
        reverse("accounts-login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def _fail_until_locked(username: str, address: str, **headers: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(Client(), username, WRONG, address, **headers)


def _logs_in(username: str, address: str, **headers: str) -> bool:
    client = Client()
    response = _log_in(client, username, PASSWORD, address, **headers)
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_ten_wrong_passwords_lock_the_username_from_that_address():
    user = UserFactory()
    _fail_until_locked(user.username, OFFICE)

    client = Client()
    response = _log_in(client, user.username, PASSWORD, OFFICE)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Wait 15 minutes" in response.content.decode()


def test_the_same_username_from_another_address_is_not_locked():
    user = UserFactory()
    _fail_until_locked(user.username, OFFICE)

    assert _logs_in(user.username, ELSEWHERE)


def test_another_username_from_the_same_address_is_not_locked():
    user, colleague = UserFactory(), UserFactory()
    _fail_until_locked(user.username, OFFICE)

    assert _logs_in(colleague.username, OFFICE)


def test_a_successful_log_in_clears_the_failures():
    user = UserFactory()
    for _ in range(2):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            _log_in(Client(), user.username, WRONG, OFFICE)
        # Without the reset the second round would pass the limit and lock her out.
        assert _logs_in(user.username, OFFICE)


def test_she_can_log_in_again_after_the_cool_off():
    user = UserFactory()
    _fail_until_locked(user.username, OFFICE)
    assert not _logs_in(user.username, OFFICE)

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))

    assert _logs_in(user.username, OFFICE)


def test_a_forwarded_address_is_ignored_without_a_trusted_proxy(settings):
    settings.TONLE_TRUSTED_PROXIES = 0
    user = UserFactory()
    # Writing a new X-Forwarded-For on every try does not make her a new client.
    for n in range(settings.AXES_FAILURE_LIMIT):
        _log_in(Client(), user.username, WRONG, OFFICE, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    assert not _logs_in(user.username, OFFICE, HTTP_X_FORWARDED_FOR="198.51.100.99")


def test_behind_one_trusted_proxy_the_client_is_the_forwarded_address(settings):
    settings.TONLE_TRUSTED_PROXIES = 1
    user = UserFactory()
    _fail_until_locked(user.username, PROXY, HTTP_X_FORWARDED_FOR=OFFICE)

    assert not _logs_in(user.username, PROXY, HTTP_X_FORWARDED_FOR=OFFICE)
    # The left part is what the client wrote; the proxy appended the address it saw.
    assert not _logs_in(user.username, PROXY, HTTP_X_FORWARDED_FOR=f"{ELSEWHERE}, {OFFICE}")
    # Another phone behind the same proxy is another client.
    assert _logs_in(user.username, PROXY, HTTP_X_FORWARDED_FOR=ELSEWHERE)


def test_the_lockout_page_speaks_khmer_to_a_khmer_reader():
    user = UserFactory()
    _fail_until_locked(user.username, OFFICE)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"

    response = _log_in(client, user.username, PASSWORD, OFFICE)

    assert response.status_code == 429
    assert "សូមរង់ចាំ ១៥ នាទី" in response.content.decode()


def test_a_session_idle_for_a_working_day_is_logged_out():
    user = UserFactory()
    client = Client()
    _log_in(client, user.username, PASSWORD, OFFICE)
    assert client.get(reverse("home")).status_code == 200
    assert Session.objects.get().expire_date <= timezone.now() + dt.timedelta(hours=8)

    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    # The start page is the public site's for whoever is not logged in; a staff page asks her
    # to log in again.
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
    response = client.get(reverse("people-list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts-login"))


def test_each_request_restarts_the_idle_clock():
    user = UserFactory()
    client = Client()
    _log_in(client, user.username, PASSWORD, OFFICE)
    # Seven hours after her last request she is still in, and a request buys another eight.
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(hours=1))

    assert client.get(reverse("home")).status_code == 200
    left = Session.objects.get().expire_date - timezone.now()
    assert dt.timedelta(hours=7, minutes=59) < left <= dt.timedelta(hours=8)


def test_requests_close_together_do_not_write_her_session_each_time():
    # Officers tick every few seconds: a session row written on each request would take
    # SQLite's write lock for every search and every page.
    user = UserFactory()
    client = Client()
    _log_in(client, user.username, PASSWORD, OFFICE)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]
                and not q["sql"].lstrip().upper().startswith("SELECT")]  # fmt: skip


def test_a_request_renews_a_session_once_its_expiry_is_a_few_minutes_stale():
    user = UserFactory()
    client = Client()
    _log_in(client, user.username, PASSWORD, OFFICE)
    stale = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE) - renew_after()
    Session.objects.update(expire_date=stale - dt.timedelta(seconds=5))

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert Session.objects.get().expire_date > stale
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
