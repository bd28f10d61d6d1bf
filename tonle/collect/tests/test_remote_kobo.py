"""Reading a KoboToolbox project: every page, attachments, edits, only what is new, errors."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from werkzeug import Request, Response

from tonle.collect.remote.kobo import KoboClient, KoboCursor
from tonle.collect.remote.records import (
    RemoteAuthError,
    RemoteError,
    RemoteMalformed,
    RemoteNotFound,
    RemoteUnavailable,
)
from tonle.collect.tests.remote_servers import JPEG, KoboServer


def client_of(server: KoboServer, **options: object) -> KoboClient:
    return KoboClient(base_url=server.base_url, token=server.token, backoff=0, **options)


@pytest.fixture
def project(kobo_server: KoboServer) -> KoboServer:
    """An asset with 2,500 records (three pages of 1,000), one photo, one record edited."""
    uid = kobo_server.add_asset()
    for number in range(1, 2501):
        kobo_server.add_record(uid, photo=JPEG if number == 7 else None)
    kobo_server.edit_record(uid, 42, {"woman_name": "Woman 42, corrected"})
    return kobo_server


def test_assets_are_the_accounts_survey_forms(project: KoboServer) -> None:
    with client_of(project) as kobo:
        assets = kobo.assets()
        form = kobo.asset(assets[0].uid)
    assert [(a.uid, a.name, a.deployed, a.submission_count) for a in assets] == [
        ("aKoboAttendance1", "Attendance", True, 2500)
    ]
    assert [q["name"] for q in form["content"]["survey"]][:2] == ["start", "woman_name"]


def test_paging_brings_every_record_once(project: KoboServer) -> None:
    with client_of(project) as kobo:
        records = list(kobo.records(asset_uid="aKoboAttendance1"))
    assert len(records) == 2500
    assert len({r.remote_id for r in records}) == 2500
    data_pages = [
        entry
        for entry, _ in project.httpserver.log
        if entry.path == "/api/v2/assets/aKoboAttendance1/data/"
    ]
    assert len(data_pages) == 3


def test_a_record_is_kept_exactly_as_served(project: KoboServer) -> None:
    with client_of(project) as kobo:
        record = next(kobo.records(asset_uid="aKoboAttendance1"))
    served = project.records["aKoboAttendance1"][0]
    assert json.loads(record.content) == served
    assert record.content_type == "application/json"
    assert (record.source, record.form_id, record.remote_id) == ("kobo", "aKoboAttendance1", "1")
    assert record.instance_id == served["meta/instanceID"] == f"uuid:{served['_uuid']}"
    assert record.root_uuid == record.instance_id
    assert record.deprecated_id == ""


def test_attachments_come_with_their_bytes_when_fetched(project: KoboServer) -> None:
    with client_of(project) as kobo:
        record = next(r for r in kobo.records(asset_uid="aKoboAttendance1") if r.remote_id == "7")
        [photo] = record.attachments
        assert (photo.name, photo.mime_type) == ("photo.jpg", "image/jpeg")
        assert photo.fetch() == JPEG


def test_an_edit_carries_the_version_chain(project: KoboServer) -> None:
    served = project.records["aKoboAttendance1"][41]
    with client_of(project) as kobo:
        edit = next(r for r in kobo.records(asset_uid="aKoboAttendance1") if r.remote_id == "42")
    assert edit.instance_id == served["meta/instanceID"]
    assert edit.deprecated_id == served["meta/deprecatedID"] != edit.instance_id
    assert edit.root_uuid == served["meta/rootUuid"] == edit.deprecated_id


def test_submission_time_in_utc_without_offset_is_read_as_utc(project: KoboServer) -> None:
    with client_of(project) as kobo:
        record = next(kobo.records(asset_uid="aKoboAttendance1"))
    assert project.records["aKoboAttendance1"][0]["_submission_time"] == "2024-03-01T02:01:00"
    assert record.submitted_at == dt.datetime(2024, 3, 1, 2, 1, tzinfo=dt.UTC)
    assert record.submitted_at.utcoffset() == dt.timedelta(0)


def test_a_second_run_brings_only_new_and_edited_records(project: KoboServer) -> None:
    uid = "aKoboAttendance1"
    cursor = KoboCursor()
    with client_of(project) as kobo:
        for record in kobo.records(asset_uid=uid):
            cursor = cursor.after(record)
        cursor = KoboCursor.from_json(cursor.to_json())  # as the import stores it
        assert list(kobo.records(asset_uid=uid, since=cursor)) == []

        project.add_record(uid)
        project.edit_record(uid, 100, {"woman_name": "Woman 100, corrected"})
        again = project.edit_record(uid, 42, {"woman_name": "Woman 42, corrected twice"})
        second = list(kobo.records(asset_uid=uid, since=cursor))
        for record in second:
            cursor = cursor.after(record)
        third = list(kobo.records(asset_uid=uid, since=cursor))

    assert [r.remote_id for r in second] == ["2501", "42", "100"]
    assert second[1].instance_id == again["meta/instanceID"]
    assert second[1].deprecated_id == again["meta/deprecatedID"]
    assert third == []


def test_a_wrong_token_gives_a_message_about_the_token(project: KoboServer) -> None:
    kobo = KoboClient(base_url=project.base_url, token="wrong", backoff=0)
    with kobo, pytest.raises(RemoteAuthError) as refused:
        kobo.assets()
    assert "HTTP 401" in str(refused.value)
    assert "token" in str(refused.value)


def test_an_unknown_asset_is_named_in_the_message(project: KoboServer) -> None:
    with client_of(project) as kobo, pytest.raises(RemoteNotFound) as missing:
        list(kobo.records(asset_uid="aNoSuchAsset"))
    assert "/api/v2/assets/aNoSuchAsset/data/" in str(missing.value)


def test_a_server_error_is_tried_again_and_the_read_goes_on(project: KoboServer) -> None:
    project.fail_once("/api/v2/assets/aKoboAttendance1/data/", status=500)
    project.fail_once("/api/v2/assets/aKoboAttendance1/data/", status=503)
    with client_of(project) as kobo:
        records = list(kobo.records(asset_uid="aKoboAttendance1"))
    assert len(records) == 2500


def test_a_server_that_keeps_failing_says_nothing_was_lost(project: KoboServer) -> None:
    for _ in range(3):
        project.fail_once("/api/v2/assets/", status=502)
    with client_of(project) as kobo, pytest.raises(RemoteUnavailable) as down:
        kobo.assets()
    assert "HTTP 502" in str(down.value)
    assert "3 tries" in str(down.value)


def test_a_server_that_cannot_be_reached_is_unavailable() -> None:
    # Nothing listens on port 9 (discard) of loopback: the connection is refused at once.
    kobo = KoboClient(base_url="http://127.0.0.1:9", token="t", backoff=0)
    with kobo, pytest.raises(RemoteUnavailable) as down:
        kobo.assets()
    assert "ConnectError" in str(down.value)


def test_a_server_that_does_not_answer_in_time_is_unavailable(project: KoboServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1)
        return Response("{}", content_type="application/json")

    project.httpserver.expect_oneshot_request("/api/v2/assets/").respond_with_handler(slow)
    kobo = KoboClient(
        base_url=project.base_url, token=project.token, backoff=0, timeout=0.2, attempts=1
    )
    with kobo, pytest.raises(RemoteUnavailable) as down:
        kobo.assets()
    assert "ReadTimeout" in str(down.value)


def test_an_answer_that_is_not_json_is_refused_clearly(project: KoboServer) -> None:
    project.garble_once("/api/v2/assets/aKoboAttendance1/data/")
    with client_of(project) as kobo, pytest.raises(RemoteMalformed) as garbled:
        list(kobo.records(asset_uid="aKoboAttendance1"))
    assert "not JSON" in str(garbled.value)
    assert isinstance(garbled.value, RemoteError)


def test_the_token_never_goes_to_another_host(project: KoboServer) -> None:
    # The same loopback server under another host name: it sees the request come without
    # the token, and refuses it.
    record = project.records["aKoboAttendance1"][6]
    url = record["_attachments"][0]["download_url"]
    host = "127.0.0.1" if "localhost" in project.base_url else "localhost"
    other = url.replace(project.base_url.split("//")[1].split(":")[0], host, 1)
    assert other != url
    record["_attachments"][0]["download_url"] = other
    with client_of(project) as kobo:
        photo = next(
            r for r in kobo.records(asset_uid="aKoboAttendance1") if r.remote_id == "7"
        ).attachments[0]
        with pytest.raises(RemoteAuthError):
            photo.fetch()
