"""Whole KoboToolbox and ODK Central projects imported as batches: complete, re-runnable, undoable."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from lxml import etree

from tonle.collect.imports import import_batch_run, import_batch_undo, import_source_save
from tonle.collect.models import (
    Attachment,
    BatchStatus,
    Form,
    ImportBatch,
    ImportKind,
    Submission,
)
from tonle.collect.selectors import submission_chain_newest
from tonle.collect.tests.remote_servers import JPEG

pytestmark = pytest.mark.django_db

WOMEN = "visit/women"


def kobo_source(world, server, token=None):
    return import_source_save(
        by=world.manager, kind=ImportKind.KOBO, name="CCDO Kobo", server_url=server.base_url,
        project_id=world.project_a.pk, token=token or server.token,
    )  # fmt: skip


def central_source(world, server, password=None):
    return import_source_save(
        by=world.manager, kind=ImportKind.CENTRAL, name="CCDO Central",
        server_url=server.base_url, project_id=world.project_a.pk, remote_project=1,
        email=server.email, password=password or server.password,
    )  # fmt: skip


def run(world, source) -> ImportBatch:
    batch = ImportBatch.objects.create(
        source=source, by=world.manager, cursors_before=source.cursors
    )
    import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    source.refresh_from_db()
    return batch


def attendance(*names: str) -> dict:
    """Kobo's JSON of a repeat of women inside a group."""
    return {
        WOMEN: [{f"{WOMEN}/name": name, f"{WOMEN}/age": 30 + i} for i, name in enumerate(names)]
    }


def _kobo_project(kobo_server):
    uid = kobo_server.add_asset()
    kobo_server.assets[uid]["content"]["survey"][1:1] = [
        {"type": "begin_group", "name": "visit", "label": ["Visit"]},
        {"type": "begin_repeat", "name": "women", "label": ["Women"]},
        {"type": "text", "name": "name", "label": ["Name"]},
        {"type": "integer", "name": "age", "label": ["Age"]},
        {"type": "end_repeat"},
        {"type": "end_group"},
    ]
    first = kobo_server.add_record(uid, answers=attendance("Sokha", "Dara", "Srey"), photo=JPEG)
    kobo_server.add_record(uid, answers=attendance("Channa"))
    return uid, first


def test_a_kobo_project_is_imported_whole_again_only_what_is_new_and_undone(world, kobo_server):
    uid, first = _kobo_project(kobo_server)
    source = kobo_source(world, kobo_server)

    batch = run(world, source)
    assert batch.status == BatchStatus.DONE, batch.error_message
    assert (batch.new, batch.new_versions, batch.unchanged, batch.failed) == (2, 0, 0, 0)
    form = Form.objects.get(form_id=uid)
    assert not form.active and form.project_id == world.project_a.pk
    submission = Submission.objects.get(instance_id=first["meta/instanceID"])
    root = etree.fromstring(bytes(submission.xml))
    assert root.get("id") == uid and root.get("version") == "vAttendance1"
    assert root.xpath("visit/women/name/text()") == ["Sokha", "Dara", "Srey"]
    assert root.xpath("meta/instanceID/text()") == [first["meta/instanceID"]]
    assert submission.attachments.get().file.read() == JPEG
    kept = batch.imported.get(instance_id=first["meta/instanceID"])
    assert bytes(kept.content).startswith(b"{") and kept.submission == submission
    assert kept.submitted_text == "2024-03-01T02:01:00+00:00"

    assert run(world, source).records == 0  # nothing new

    kobo_server.edit_record(uid, 1, attendance("Sokha", "Dara"))
    third = kobo_server.add_record(uid, answers=attendance("Bopha"))
    batch3 = run(world, source)
    assert (batch3.new, batch3.new_versions, batch3.unchanged) == (1, 1, 0)
    edit = Submission.objects.get(instance_id=kobo_server.records[uid][0]["meta/instanceID"])
    assert edit.previous == submission and edit.root_id == submission.root_id
    assert submission_chain_newest(root_id=submission.root_id) == edit
    assert Submission.objects.count() == 4 and Attachment.objects.count() == 2

    import_batch_undo(by=world.manager, batch=batch3)
    assert Submission.objects.count() == 2
    assert not Submission.objects.filter(instance_id=third["meta/instanceID"]).exists()
    assert submission_chain_newest(root_id=submission.root_id) == submission
    assert run(world, source).records == 2  # the undone records come again

    with pytest.raises(Exception, match="later imports"):
        import_batch_undo(by=world.manager, batch=batch)


def test_undoing_a_first_kobo_import_leaves_nothing_of_it(world, kobo_server):
    _kobo_project(kobo_server)
    source = kobo_source(world, kobo_server)
    batch = run(world, source)
    import_batch_undo(by=world.manager, batch=batch)
    assert not Submission.objects.exists() and not Form.objects.exists()
    assert not Attachment.objects.exists() and source.batches.get().status == BatchStatus.UNDONE
    assert batch.imported.count() == 2  # what arrived stays kept


def test_undoing_an_applied_import_takes_back_what_it_applied(world, kobo_server):
    from tonle.collect.models import AppliedRecord, RowStatus
    from tonle.people.models import Participant
    from tonle.people.tests.factories import ParticipantFactory

    _kobo_project(kobo_server)
    batch = run(world, kobo_source(world, kobo_server))
    # As the applying leaves it: a woman the submission registered, named in its records.
    submission = Submission.objects.first()
    woman = ParticipantFactory(village=world.village_a)
    Submission.objects.filter(pk=submission.pk).update(status=RowStatus.APPLIED)
    AppliedRecord.objects.create(submission=submission, kind="people.woman",
                                 app_label="people", model="participant", object_id=woman.pk)  # fmt: skip

    import_batch_undo(by=world.manager, batch=batch)
    assert not Submission.objects.exists() and not AppliedRecord.objects.exists()
    assert not Participant.objects.filter(pk=woman.pk).exists()
    assert Participant.history.filter(id=woman.pk, history_type="-").get().history_user == (
        world.manager
    )


def test_a_bad_kobo_token_stops_the_batch_with_its_reason(world, kobo_server):
    _kobo_project(kobo_server)
    batch = run(world, kobo_source(world, kobo_server, token="wrong"))
    assert batch.status == BatchStatus.FAILED
    assert "refused the sign-in" in batch.error_message
    assert not Submission.objects.exists()


def _central_project(central_server):
    central_server.add_project(1)
    central_server.add_form(1, "attendance")
    answers = {"woman_name": "Sokha", "women": "<name>Dara</name>", "visit_date": "2024-03-01"}
    first = central_server.add_submission(1, "attendance", answers=answers, photo=JPEG)
    second = central_server.add_submission(1, "attendance")
    central_server.edit_submission(second, answers={"woman_name": "Sokha Chan"})
    return first, second


def test_a_central_project_is_imported_with_every_version_again_only_what_changed_and_undone(
    world, central_server
):
    first, second = _central_project(central_server)
    source = central_source(world, central_server)
    batch = run(world, source)
    assert batch.status == BatchStatus.DONE, batch.error_message
    assert (batch.new, batch.new_versions, batch.failed) == (2, 1, 0)
    kept = Submission.objects.get(instance_id=first.id)
    assert bytes(kept.xml) == first.versions[0].xml  # the XML exactly as served
    assert kept.attachments.get().file.read() == JPEG
    edit = Submission.objects.get(instance_id=second.versions[1].instance_id)
    assert edit.previous.instance_id == second.id
    assert Form.objects.get(form_id="attendance").active is False

    assert run(world, source).records == 0

    central_server.edit_submission(first, answers={"woman_name": "Sokha Keo"})
    central_server.add_submission(1, "attendance")
    batch3 = run(world, source)
    assert (batch3.new, batch3.new_versions) == (1, 1)
    assert Submission.objects.count() == 5

    import_batch_undo(by=world.manager, batch=batch3)
    assert Submission.objects.count() == 3
    assert submission_chain_newest(root_id=kept.root_id) == kept
    assert run(world, source).records == 2


def test_a_wrong_central_password_stops_the_batch_with_its_reason(world, central_server):
    _central_project(central_server)
    batch = run(world, central_source(world, central_server, password="nope"))
    assert batch.status == BatchStatus.FAILED and "refused the sign-in" in batch.error_message


def test_a_source_keeps_its_sign_in_when_left_blank_but_not_when_its_server_kind_changes(
    world, kobo_server
):
    from django.core.exceptions import ValidationError

    source = kobo_source(world, kobo_server)
    sealed = source.credentials
    same = dict(kind=ImportKind.KOBO, name="Renamed", server_url=kobo_server.base_url)
    import_source_save(by=world.manager, source=source, project_id=world.project_a.pk, **same)
    assert source.credentials == sealed
    with pytest.raises(ValidationError, match="sign-in"):
        import_source_save(
            by=world.manager, source=source, kind=ImportKind.CENTRAL, name="Central",
            server_url=kobo_server.base_url, project_id=world.project_a.pk, remote_project=1,
        )  # fmt: skip


def test_a_central_entity_list_of_women_is_mapped_like_submissions_and_others_are_kept_shown(
    client, world, central_server
):
    """Women in an entity list become submissions of a form made of the list, which the manager
    maps to women; re-runs bring only changed entities (a new version), and undo takes them
    back. A list of something else is kept, entity by entity, on the batch page."""
    from tonle.collect.applying import form_fields, suggested_fields
    from tonle.collect.models import ImportedRecord, RecordResult, RowStatus
    from tonle.collect.registry import applier_of
    from tonle.collect.services import mapping_save, submission_apply
    from tonle.people.models import Participant
    from tonle.programs.tests.factories import ActivityFactory, AttendanceFactory

    _central_project(central_server)
    village = str(world.village_a.pk)
    lina = central_server.add_entity(
        1, "women", label="Sok Lina", properties={"village": village, "birth_year": "1990"}
    )
    central_server.add_entity(
        1, "women", label="Keo Mony", properties={"village": village, "birth_year": "1985"}
    )
    central_server.add_entity(1, "wells", label="Well by the pagoda", properties={"depth": "12"})
    source = central_source(world, central_server)
    batch = run(world, source)
    assert batch.status == BatchStatus.DONE, batch.error_message
    assert (batch.forms_total, batch.forms_done) == (3, 3)
    women = ImportedRecord.objects.filter(batch=batch, entity_list="women")
    assert sorted(women.values_list("result", flat=True)) == [RecordResult.NEW] * 2
    assert json.loads(bytes(women.get(remote_id=lina["__id"]).content)) == lina  # as served
    [well] = ImportedRecord.objects.filter(batch=batch, entity_list="wells")
    assert (well.result, well.submission) == (RecordResult.NEW, None)
    assert not Form.objects.filter(form_id__contains="wells").exists()
    client.force_login(world.manager)
    page = client.get(reverse("collect-import-batch", args=[batch.pk])).content.decode()
    assert "Well by the pagoda" in page and "depth: 12" in page

    # The women's list is a form (off the phones) the mapping page suggests women for.
    form = Form.objects.get(form_id="central_1_women")
    assert form.active is False and form.pk in batch.forms_created
    woman = applier_of("people.woman")
    suggested = suggested_fields(applier=woman, fields=form_fields(form.xml))
    assert suggested == {
        "name_latin": "/data/name", "village": "/data/village", "birth_year": "/data/birth_year"
    }  # fmt: skip
    mapping_save(by=world.manager, form=form, kinds={"people.woman": {"fields": suggested}})
    for submission in Submission.objects.filter(form=form):
        assert submission_apply(submission=submission).status == RowStatus.APPLIED
    registered = Participant.objects.get(name_latin="Sok Lina")
    assert (registered.village_id, registered.birth_year) == (world.village_a.pk, 1990)

    assert run(world, source).records == 0  # nothing changed

    central_server.update_entity(lina, birth_year="1991")
    changed = run(world, source)
    assert (changed.new, changed.new_versions, changed.unchanged) == (0, 1, 0)
    edit = ImportedRecord.objects.get(batch=changed).submission
    assert edit.previous.instance_id == f"uuid:{lina['__id']}"
    assert submission_apply(submission=edit).status == RowStatus.APPLIED
    registered.refresh_from_db()
    assert registered.birth_year == 1991  # the same woman, changed, not registered again
    assert Participant.objects.filter(name_latin="Sok Lina").count() == 1

    # She came to a training since: undoing the edit must not withdraw her (it could not) nor
    # register her again, but give her back the birth year the older version says.
    attended = AttendanceFactory(
        activity=ActivityFactory(project=world.project_a, village=world.village_a),
        participant=registered,
    )
    import_batch_undo(by=world.manager, batch=changed)
    assert not Submission.objects.filter(pk=edit.pk).exists()
    first = submission_chain_newest(root_id=f"uuid:{lina['__id']}")
    assert submission_apply(submission=first).status == RowStatus.APPLIED
    registered.refresh_from_db()
    assert registered.birth_year == 1990  # she keeps her id
    assert Participant.objects.filter(name_latin="Sok Lina").count() == 1
    assert list(registered.attendances.all()) == [attended]
    again = run(world, source)
    assert (again.new_versions, again.records) == (1, 1)
