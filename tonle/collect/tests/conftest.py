"""The world of the shared personas with the sample form on project A and phone passwords, and
the loopback KoboToolbox and ODK Central servers for any test of the imports."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from pytest_httpserver import HTTPServer

from tonle.collect.models import Form
from tonle.collect.tests.phone import PHONE_PASSWORD, Phone, sample_form, with_phone_password
from tonle.collect.tests.remote_servers import CentralServer, KoboServer


@pytest.fixture
def form_a(world) -> Form:
    for user in (world.manager, world.officer_a, world.officer_b, world.mentor, world.donor):
        with_phone_password(user)
    return sample_form(project_id=world.project_a.pk, by=world.manager)


@pytest.fixture
def collect_phone(live_server):
    """Phones talking to the live server; their connections are closed before it stops."""
    opened: list[Phone] = []

    def open_phone(username: str, password: str = PHONE_PASSWORD) -> Phone:
        opened.append(Phone(live_server.url, username, password))
        return opened[-1]

    yield open_phone
    for each in opened:
        each.http.close()


@pytest.fixture(autouse=True)
def _no_phone_lockout_between_tests():
    """Wrong phone passwords are counted in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def kobo_server(httpserver: HTTPServer) -> KoboServer:
    return KoboServer(httpserver)


@pytest.fixture
def central_server(httpserver: HTTPServer) -> CentralServer:
    return CentralServer(httpserver)
