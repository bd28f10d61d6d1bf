"""A submission streamed chunked (no Content-Length) reaches gunicorn whole, or is refused 413.

gunicorn, as `make run` serves Tonle, on loopback, spoken to through a raw http.client
connection; the test database is copied to a file the server process works on.
"""

from __future__ import annotations

import http.client
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings

from tonle.collect.tests.phone import digest_authorization, instance_xml
from tonle.lib.testing.processes import process_environment, test_database_on_file

pytestmark = pytest.mark.django_db(transaction=True)
LIMIT = 200_000
BOUNDARY = "tonle-test-boundary"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path, world, form_a) -> Iterator[tuple[int, object]]:
    database = test_database_on_file(tmp_path)
    port = _free_port()
    environ = process_environment(tmp_path, TONLE_COLLECT_MAX_BODY_BYTES=str(LIMIT))
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tonle.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1"],
        cwd=settings.BASE_DIR, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert server.poll() is None, server.communicate()[1]
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
    yield port, database
    server.terminate()
    server.wait(timeout=30)


def _multipart(xml: bytes, photo: bytes) -> list[bytes]:
    """The body in pieces, as a phone streams it."""
    head = f"--{BOUNDARY}\r\nContent-Disposition: form-data; name="
    return [
        f'{head}"xml_submission_file"; filename="s.xml"\r\nContent-Type: text/xml\r\n\r\n'.encode(),
        xml,
        f'\r\n{head}"photo.jpg"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode(),
        *[photo[i : i + 8192] for i in range(0, len(photo), 8192)],
        f"\r\n--{BOUNDARY}--\r\n".encode(),
    ]


def _post_chunked(port: int, pieces: list[bytes]) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("HEAD", "/collect/submission")
    challenge = connection.getresponse()
    challenge.read()
    assert challenge.status == 401
    authorization = digest_authorization(
        challenge=challenge.getheader("WWW-Authenticate"),
        method="POST",
        uri="/collect/submission",
        username="officer_a",
    )
    connection.request(
        "POST",
        "/collect/submission",
        body=iter(pieces),
        headers={
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Authorization": authorization,
            "X-OpenRosa-Version": "1.0",
        },
        encode_chunked=True,
    )
    return connection.getresponse()


def _kept(database) -> list[tuple]:
    with sqlite3.connect(database, timeout=20) as db:
        return db.execute(
            "SELECT s.instance_id, a.name, a.size FROM collect_submission s "
            "JOIN collect_attachment a ON a.submission_id = s.id"
        ).fetchall()


def test_a_chunked_submission_is_kept_whole(gunicorn):
    port, database = gunicorn
    instance_id = f"uuid:{uuid.uuid4()}"
    photo = bytes(range(256)) * 200
    response = _post_chunked(port, _multipart(instance_xml(instance_id=instance_id), photo))
    body = response.read()
    assert response.status == 201, body
    assert b"submit_success" in body
    assert response.getheader("X-OpenRosa-Version") == "1.0"
    assert len(response.headers.get_all("Date")) == 1  # gunicorn's own, not a second one of ours
    assert _kept(database) == [(instance_id, "photo.jpg", len(photo))]


def test_a_chunked_submission_over_the_limit_is_refused_413(gunicorn):
    port, database = gunicorn
    pieces = _multipart(instance_xml(instance_id=f"uuid:{uuid.uuid4()}"), b"x" * (LIMIT + 1))
    response = _post_chunked(port, pieces)
    assert response.status == 413, response.read()
    assert _kept(database) == []
