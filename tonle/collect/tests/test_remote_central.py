"""Reading an ODK Central project: forms, submissions as XML, attachments, edits, entities."""

from __future__ import annotations

import datetime as dt

import pytest

from tonle.collect.remote.central import CentralClient, CentralCursor
from tonle.collect.remote.records import (
    RemoteAuthError,
    RemoteMalformed,
    RemoteNotFound,
    RemoteUnavailable,
)
from tonle.collect.tests.remote_servers import JPEG, CentralServer


def client_of(server: CentralServer, **options: object) -> CentralClient:
    return CentralClient(
        base_url=server.base_url,
        email=server.email,
        password=server.password,
        backoff=0,
        page_size=25,
        **options,
    )


@pytest.fixture
def project(central_server: CentralServer) -> CentralServer:
    """Project 1: 60 attendance submissions (three OData pages of 25), one with a photo, one
    with a photo never uploaded, one edited; an entity list of two women."""
    central_server.add_project(1)
    central_server.add_form(1, "attendance")
    central_server.add_form(1, "registration")
    for number in range(60):
        central_server.add_submission(
            1, "attendance", photo=JPEG if number == 3 else None, missing_photo=number == 4
        )
    central_server.edit_submission(
        central_server.forms[(1, "attendance")][10],
        answers={"woman_name": "Sokha, corrected", "visit_date": "2024-03-02"},
    )
    central_server.add_entity(1, "women", label="Sokha", properties={"village": "Bakong"})
    central_server.add_entity(1, "women", label="Dara", properties={"village": "Banteay Srei"})
    return central_server


def test_projects_and_forms_are_listed(project: CentralServer) -> None:
    with client_of(project) as central:
        projects = central.projects()
        forms = central.forms(project_id=1)
    assert [(p.id, p.name) for p in projects] == [(1, "CCDO Siem Reap")]
    assert [f.xml_form_id for f in forms] == ["attendance", "registration"]


def test_every_submission_comes_once_with_its_xml_as_served(project: CentralServer) -> None:
    with client_of(project) as central:
        records = list(central.records(project_id=1, xml_form_id="attendance"))
    served = {v.instance_id: v.xml for s in project.forms[(1, "attendance")] for v in s.versions}
    assert len(records) == 61  # 60 submissions, one of them in two versions
    assert {r.instance_id for r in records} == set(served)
    assert all(r.content == served[r.instance_id] for r in records)
    odata_pages = [
        entry
        for entry, _ in project.httpserver.log
        if entry.path == "/v1/projects/1/forms/attendance.svc/Submissions"
    ]
    assert len(odata_pages) == 3
    assert {(r.source, r.form_id, r.project_id, r.content_type) for r in records} == {
        ("central", "attendance", "1", "application/xml")
    }


def test_an_attachment_comes_with_its_bytes_and_a_missing_one_is_left_out(
    project: CentralServer,
) -> None:
    submissions = project.forms[(1, "attendance")]
    with client_of(project) as central:
        records = {
            r.instance_id: r for r in central.records(project_id=1, xml_form_id="attendance")
        }
        [photo] = records[submissions[3].id].attachments
        assert (photo.name, photo.mime_type) == ("1709280000.jpg", "image/jpeg")
        assert photo.fetch() == JPEG
    assert records[submissions[4].id].attachments == ()


def test_an_edit_comes_as_two_versions_chained(project: CentralServer) -> None:
    submission = project.forms[(1, "attendance")][10]
    first, edit = submission.versions
    with client_of(project) as central:
        versions = [
            r
            for r in central.records(project_id=1, xml_form_id="attendance")
            if r.remote_id == submission.id
        ]
    assert [(v.instance_id, v.deprecated_id, v.root_uuid) for v in versions] == [
        (first.instance_id, "", first.instance_id),
        (edit.instance_id, first.instance_id, first.instance_id),
    ]
    assert versions[1].content == edit.xml
    assert versions[1].submitted_at == edit.created_at


def test_times_keep_their_offset(project: CentralServer) -> None:
    with client_of(project) as central:
        record = next(central.records(project_id=1, xml_form_id="attendance"))
    first = project.forms[(1, "attendance")][0].versions[0]
    assert record.submitted_at == first.created_at
    assert record.submitted_at.utcoffset() == dt.timedelta(0)


def test_a_second_run_brings_only_new_and_edited_submissions(project: CentralServer) -> None:
    cursor = CentralCursor()
    with client_of(project) as central:
        for record in central.records(project_id=1, xml_form_id="attendance"):
            cursor = cursor.after(record)
        cursor = CentralCursor.from_json(cursor.to_json())  # as the import stores it
        assert list(central.records(project_id=1, xml_form_id="attendance", since=cursor)) == []

        new = project.add_submission(1, "attendance")
        older = project.forms[(1, "attendance")][40]
        edit = project.edit_submission(older, answers={"woman_name": "Dara"})
        second = list(central.records(project_id=1, xml_form_id="attendance", since=cursor))
        for record in second:
            cursor = cursor.after(record)
        third = list(central.records(project_id=1, xml_form_id="attendance", since=cursor))

    assert sorted(r.instance_id for r in second) == sorted([new.id, edit.instance_id])
    [edited] = [r for r in second if r.instance_id == edit.instance_id]
    assert (edited.deprecated_id, edited.root_uuid) == (older.id, older.id)
    assert third == []


def test_entities_come_with_their_properties_and_only_changes_the_second_time(
    project: CentralServer,
) -> None:
    cursor = CentralCursor()
    with client_of(project) as central:
        assert central.datasets(project_id=1) == ["women"]
        entities = list(central.entities(project_id=1, dataset="women"))
        for entity in entities:
            cursor = cursor.after(entity)
        sokha = project.entities[(1, "women")][0]
        project.update_entity(sokha, village="Angkor Thom")
        changed = list(central.entities(project_id=1, dataset="women", since=cursor))
    assert [(e.label, e.properties, e.version) for e in entities] == [
        ("Sokha", {"village": "Bakong"}, 1),
        ("Dara", {"village": "Banteay Srei"}, 1),
    ]
    assert [(e.uuid, e.properties, e.version) for e in changed] == [
        (sokha["__id"], {"village": "Angkor Thom"}, 2)
    ]


def test_a_wrong_password_gives_a_message_about_the_sign_in(project: CentralServer) -> None:
    central = CentralClient(
        base_url=project.base_url, email=project.email, password="wrong", backoff=0
    )
    with central, pytest.raises(RemoteAuthError) as refused:
        central.projects()
    assert "HTTP 401" in str(refused.value)
    assert "password" in str(refused.value)


def test_an_unknown_form_is_named_in_the_message(project: CentralServer) -> None:
    with client_of(project) as central, pytest.raises(RemoteNotFound) as missing:
        list(central.records(project_id=1, xml_form_id="no-such-form"))
    assert "/v1/projects/1/forms/no-such-form.svc/Submissions" in str(missing.value)


def test_a_server_error_is_tried_again_and_the_read_goes_on(project: CentralServer) -> None:
    project.fail_once("/v1/sessions", status=500)
    project.fail_once("/v1/projects/1/forms/attendance.svc/Submissions", status=500)
    with client_of(project) as central:
        records = list(central.records(project_id=1, xml_form_id="attendance"))
    assert len(records) == 61


def test_a_server_that_keeps_failing_says_nothing_was_lost(project: CentralServer) -> None:
    for _ in range(3):
        project.fail_once("/v1/projects", status=503)
    with client_of(project) as central, pytest.raises(RemoteUnavailable) as down:
        central.projects()
    assert "HTTP 503" in str(down.value)


def test_a_server_that_cannot_be_reached_is_unavailable() -> None:
    central = CentralClient(base_url="http://127.0.0.1:9", email="a@b.c", password="p", backoff=0)
    with central, pytest.raises(RemoteUnavailable) as down:
        central.projects()
    assert "ConnectionError" in str(down.value)


def test_an_answer_that_is_not_json_is_refused_clearly(project: CentralServer) -> None:
    project.garble_once("/v1/projects/1/forms")
    with client_of(project) as central, pytest.raises(RemoteMalformed) as garbled:
        central.forms(project_id=1)
    assert "not JSON" in str(garbled.value)
