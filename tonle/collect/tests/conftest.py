"""The loopback KoboToolbox and ODK Central servers, for any test of the imports."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from tonle.collect.tests.remote_servers import CentralServer, KoboServer


@pytest.fixture
def kobo_server(httpserver: HTTPServer) -> KoboServer:
    return KoboServer(httpserver)


@pytest.fixture
def central_server(httpserver: HTTPServer) -> CentralServer:
    return CentralServer(httpserver)
