"""The request sequence of a real ODK Collect, replayed against the server on loopback, with
what is stored and what is applied checked after each step.

HEAD pre-flight, form list, form and manifest download (with the women of her scope), a
submission with a photo, the same submission again, a submission split over two requests, an
edit with deprecatedID, and an edit arriving before the version it replaces.
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid

import pytest
from django.utils import timezone
from lxml import etree

from tonle.collect.models import AppliedRecord, Attachment, RowStatus, Submission
from tonle.collect.ready_forms import FORMS, HERE
from tonle.collect.services import form_upload, mapping_save
from tonle.collect.tests.phone import LIST, MANIFEST, with_phone_password
from tonle.lib.testing.tasks import tasks_run
from tonle.programs.tests.factories import ActivityFactory

pytestmark = pytest.mark.usefixtures("transactional_db")
VERSION = "2026120101"


def _xml(instance_id: str, activity: int, women: list[int], *, photo: str = "",
         deprecated_id: str = "") -> bytes:  # fmt: skip
    repeats = "".join(
        f"<women><woman>{w}</woman><new><name_km/><name_latin/><birth_year/></new></women>"
        for w in women
    )
    deprecated = f"<deprecatedID>{deprecated_id}</deprecatedID>" if deprecated_id else ""
    return (
        f'<?xml version="1.0" ?><data xmlns:jr="http://openrosa.org/javarosa" '
        f'xmlns:orx="http://openrosa.org/xforms" id="ccdo_attendance" version="{VERSION}">'
        f"<activity>{activity}</activity>{repeats}<sheet_photo>{photo}</sheet_photo>"
        f"<meta><instanceID>{instance_id}</instanceID>{deprecated}</meta></data>"
    ).encode()


def _present(activity) -> set[int]:
    return set(activity.attendances.values_list("participant_id", flat=True))


def test_odk_collects_sequence_is_stored_as_it_arrived_and_applied_once(
    collect_phone, live_server, world
):
    with_phone_password(world.officer_a)
    form = form_upload(by=world.manager, project_id=world.project_a.pk,
                       file_name="ccdo_attendance.xlsx",
                       data=(HERE / "ccdo_attendance.xlsx").read_bytes())  # fmt: skip
    mapping_save(by=world.manager, form=form, kinds=FORMS["ccdo_attendance"]["mapping"])
    activity = ActivityFactory(
        project=world.project_a, village=world.village_a, date=timezone.localdate()
    )
    elsewhere = ActivityFactory(project=world.project_b, date=timezone.localdate())
    woman_a, mentee = world.woman_a.pk, world.mentee.pk
    phone = collect_phone("officer_a")

    # 1. The pre-flight.
    head = phone.http.head("/submission")
    assert head.status_code == 204 and head.headers["X-OpenRosa-Accept-Content-Length"]

    # 2. The form list: her project's form, with the hash of what she will download.
    (entry,) = phone.form_list().findall(f"{LIST}xform")
    assert entry.findtext(f"{LIST}formID") == "ccdo_attendance"

    # 3. The form, and its manifest with the activities and women of her own scope only,
    # each file with the MD5 of what she downloads.
    xform = phone.http.get(entry.findtext(f"{LIST}downloadUrl"))
    assert f"md5:{hashlib.md5(xform.content).hexdigest()}" == entry.findtext(f"{LIST}hash")
    manifest = etree.fromstring(phone.http.get(entry.findtext(f"{LIST}manifestUrl")).content)
    files = {}
    for media in manifest.findall(f"{MANIFEST}mediaFile"):
        data = phone.http.get(media.findtext(f"{MANIFEST}downloadUrl")).content
        assert media.findtext(f"{MANIFEST}hash") == f"md5:{hashlib.md5(data).hexdigest()}"
        files[media.findtext(f"{MANIFEST}filename")] = {
            int(row["name"]) for row in csv.DictReader(io.StringIO(data.decode()))
        }
    assert files.keys() == {"activities.csv", "women.csv"}
    assert files["activities.csv"] == {activity.pk} and elsewhere.pk not in files["activities.csv"]
    assert woman_a in files["women.csv"] and world.woman_b.pk not in files["women.csv"]

    # 4. A submission with a photo: kept as it arrived, then applied in the background.
    first = f"uuid:{uuid.uuid4()}"
    xml = _xml(first, activity.pk, [woman_a], photo="sheet.jpg")
    assert phone.submit(xml, files={"sheet.jpg": b"\xff\xd8sheet"}).status_code == 201
    kept = Submission.objects.get(instance_id=first)
    assert bytes(kept.xml) == xml and kept.status == RowStatus.PENDING and not _present(activity)
    tasks_run()
    kept.refresh_from_db()
    assert kept.status == RowStatus.APPLIED and _present(activity) == {woman_a}

    # 5. The same submission again (Collect missed the answer): stored and applied once.
    assert phone.submit(xml, files={"sheet.jpg": b"\xff\xd8sheet"}).status_code == 201
    tasks_run()
    assert Submission.objects.count() == 1 and Attachment.objects.count() == 1
    assert (
        activity.attendances.count() == 1 and AppliedRecord.objects.filter(owns=True).count() == 1
    )

    # 6. A submission split over two requests: applied only once all of it has arrived.
    split = f"uuid:{uuid.uuid4()}"
    other = ActivityFactory(project=world.project_a, village=world.village_a)
    split_xml = _xml(split, other.pk, [mentee], photo="sheet.jpg")
    assert phone.submit(split_xml, files={"sheet.jpg": b"part one"},
                        incomplete=True).status_code == 201  # fmt: skip
    tasks_run()
    assert Submission.objects.get(instance_id=split).status == RowStatus.PENDING
    assert not _present(other)
    assert phone.submit(split_xml, files={"extra.jpg": b"part two"}).status_code == 201
    tasks_run()
    assert Submission.objects.get(instance_id=split).status == RowStatus.APPLIED
    assert _present(other) == {mentee}
    assert Attachment.objects.filter(submission__instance_id=split).count() == 2

    # 7. An edit with deprecatedID: the first version is undone, the edit applied.
    edit = f"uuid:{uuid.uuid4()}"
    assert phone.submit(_xml(edit, activity.pk, [mentee], deprecated_id=first)).status_code == 201
    tasks_run()
    assert _present(activity) == {mentee}
    assert Submission.objects.get(instance_id=first).status == RowStatus.REPLACED
    assert Submission.objects.get(instance_id=edit).status == RowStatus.APPLIED

    # 8. An edit arriving before the version it replaces: the newest ends applied.
    late, early_edit = f"uuid:{uuid.uuid4()}", f"uuid:{uuid.uuid4()}"
    third = ActivityFactory(project=world.project_a, village=world.village_a)
    phone.submit(_xml(early_edit, third.pk, [mentee], deprecated_id=late))
    tasks_run()
    assert _present(third) == {mentee}
    phone.submit(_xml(late, third.pk, [woman_a]))
    tasks_run()
    assert _present(third) == {mentee}
    assert Submission.objects.get(instance_id=late).status == RowStatus.REPLACED
    assert Submission.objects.get(instance_id=early_edit).status == RowStatus.APPLIED
    # Never twice: one record made per attendance that stands.
    assert (
        AppliedRecord.objects.filter(owns=True).count()
        == 3
        == sum(a.attendances.count() for a in (activity, other, third))
    )
