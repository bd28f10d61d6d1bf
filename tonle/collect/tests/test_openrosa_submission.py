"""A phone sends filled forms: each kept once, as it arrived, whatever order and state it comes in.

The request sequence of ODK Collect (HEAD, then a signed multipart POST) against a real
server on loopback.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from tonle.accounts.models import AccessAction, AccessLog
from tonle.collect.models import RowStatus, Submission, UnreadableSubmission
from tonle.collect.tests.phone import RESPONSE, instance_xml, message_of

pytestmark = pytest.mark.usefixtures("transactional_db")


def _id() -> str:
    return f"uuid:{uuid.uuid4()}"


def test_head_is_answered_204_with_the_largest_body_accepted(
    collect_phone, live_server, world, form_a, settings
):
    response = collect_phone("officer_a").http.head("/submission")
    assert response.status_code == 204
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert response.headers["X-OpenRosa-Accept-Content-Length"] == str(
        settings.TONLE_COLLECT_MAX_BODY_BYTES
    )


def test_a_submission_with_a_photo_is_kept_as_it_arrived_and_answered_201(
    collect_phone, live_server, world, form_a
):
    instance_id = _id()
    xml = instance_xml(instance_id=instance_id, photo="photo.jpg")
    response = collect_phone("officer_a").submit(xml, files={"photo.jpg": b"\xff\xd8jpeg"})
    assert response.status_code == 201
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert response.content.startswith(b"<?xml")
    assert f"{RESPONSE}OpenRosaResponse" in response.text or "OpenRosaResponse" in response.text
    assert 'nature="submit_success"' in response.text and message_of(response)
    kept = Submission.objects.get()
    assert bytes(kept.xml) == xml
    assert (kept.instance_id, kept.form_id, kept.submitted_by) == (
        instance_id, form_a.pk, world.officer_a
    )  # fmt: skip
    assert kept.status == RowStatus.PENDING and kept.complete and kept.applied_at is None
    # Filled in at 09:12 in Cambodia: the offset as written, and the instant in UTC.
    assert kept.started_text == "2026-11-30T09:12:00.000+07:00" and kept.started_offset == "+07:00"
    assert kept.started_at == dt.datetime(2026, 11, 30, 2, 12, tzinfo=dt.UTC)
    (photo,) = kept.attachments.all()
    assert photo.name == "photo.jpg" and photo.file.read() == b"\xff\xd8jpeg"
    assert photo.file.name.startswith("private/submissions/")


def test_an_identical_resend_is_acknowledged_again_and_kept_once(
    collect_phone, live_server, world, form_a
):
    phone = collect_phone("officer_a")
    xml = instance_xml(instance_id=_id(), photo="photo.jpg")
    assert phone.submit(xml, files={"photo.jpg": b"one"}).status_code == 201
    assert phone.submit(xml, files={"photo.jpg": b"one"}).status_code == 201
    assert Submission.objects.count() == 1
    assert Submission.objects.get().attachments.count() == 1


def test_a_split_submission_is_merged_by_its_instance_id(collect_phone, live_server, world, form_a):
    phone = collect_phone("officer_a")
    xml = instance_xml(instance_id=_id(), photo="a.jpg")
    assert phone.submit(xml, files={"a.jpg": b"first"}, incomplete=True).status_code == 201
    assert not Submission.objects.get().complete
    assert phone.submit(xml, files={"b.jpg": b"second"}).status_code == 201
    kept = Submission.objects.get()
    assert kept.complete
    assert sorted(kept.attachments.values_list("name", flat=True)) == ["a.jpg", "b.jpg"]


def test_the_same_instance_id_with_another_xml_is_refused_409(
    collect_phone, live_server, world, form_a
):
    phone = collect_phone("officer_a")
    instance_id = _id()
    assert phone.submit(instance_xml(instance_id=instance_id, age="30")).status_code == 201
    response = phone.submit(instance_xml(instance_id=instance_id, age="31"))
    assert response.status_code == 409 and instance_id in message_of(response)
    assert bytes(Submission.objects.get().xml) == instance_xml(instance_id=instance_id, age="30")


def test_an_edit_is_a_new_version_in_the_chain_of_the_one_it_replaces(
    collect_phone, live_server, world, form_a
):
    phone = collect_phone("officer_a")
    first, second, third = _id(), _id(), _id()
    phone.submit(instance_xml(instance_id=first))
    phone.submit(instance_xml(instance_id=second, deprecated_id=first, age="31"))
    phone.submit(instance_xml(instance_id=third, deprecated_id=second, age="32"))
    by_id = {s.instance_id: s for s in Submission.objects.all()}
    assert by_id[second].previous == by_id[first] and by_id[third].previous == by_id[second]
    assert {s.root_id for s in by_id.values()} == {first}


def test_an_edit_arriving_before_the_version_it_replaces_is_linked_when_that_arrives(
    collect_phone, live_server, world, form_a
):
    phone = collect_phone("officer_a")
    first, second, third = _id(), _id(), _id()
    phone.submit(instance_xml(instance_id=first))
    phone.submit(instance_xml(instance_id=third, deprecated_id=second, age="32"))
    assert Submission.objects.get(instance_id=third).previous is None
    phone.submit(instance_xml(instance_id=second, deprecated_id=first, age="31"))
    by_id = {s.instance_id: s for s in Submission.objects.all()}
    assert by_id[third].previous == by_id[second] and by_id[second].previous == by_id[first]
    assert {s.root_id for s in by_id.values()} == {first}


def test_sloppy_xml_from_real_phones_is_kept(collect_phone, live_server, world, form_a):
    """An undeclared prefix, an offset of hours only, space-padded choices."""
    instance_id = _id()
    xml = (
        '<data id="tonle_sample" version="2026120101"><start>2026-11-30T08:00:00.000-04</start>'
        "<services>  id_card   health </services><orx:meta><orx:instanceID>"
        f"{instance_id}</orx:instanceID></orx:meta></data>"
    ).encode()
    response = collect_phone("officer_a").submit(xml)
    assert response.status_code == 201, response.text
    kept = Submission.objects.get()
    assert kept.instance_id == instance_id and bytes(kept.xml) == xml
    assert kept.started_offset == "-04"
    assert kept.started_at == dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("xml", "says"),
    [
        (b"not xml at all", "not XML"),
        (b'<data id="tonle_sample" version="2026120101"><meta/></data>', "instanceID"),
        (
            b'<data id="tonle_sample" version="2026120101"><meta><instanceID>12345'
            b"</instanceID></meta></data>",
            "uuid:",
        ),
    ],
)
def test_a_submission_without_proper_ids_is_refused_400_with_its_reason(
    collect_phone, live_server, world, form_a, xml, says
):
    phone = collect_phone("officer_a")
    response = phone.submit(xml)
    assert response.status_code == 400 and says in message_of(response)
    assert not Submission.objects.exists()
    # What arrived is kept as it came, with the reason the phone was told; sent again, once.
    assert phone.submit(xml).status_code == 400
    kept = UnreadableSubmission.objects.get()
    assert bytes(kept.body) == xml and kept.reason == message_of(response)
    assert kept.submitted_by == world.officer_a


def test_what_could_not_be_read_is_listed_for_managers_and_for_its_sender_only(
    collect_phone, live_server, world, form_a, client
):
    assert collect_phone("officer_a").submit(b"<data>cut off").status_code == 400
    client.force_login(world.manager)
    page = client.get(reverse("collect-submissions")).content.decode()
    assert reverse("collect-unreadable") in page
    listed = client.get(reverse("collect-unreadable")).content.decode()
    assert "&lt;data&gt;cut off" in listed and "officer_a" in listed
    client.force_login(world.officer_b)
    assert "cut off" not in client.get(reverse("collect-unreadable")).content.decode()
    client.force_login(world.officer_a)
    assert "cut off" in client.get(reverse("collect-unreadable")).content.decode()


def test_two_xml_parts_are_refused(collect_phone, live_server, world, form_a):
    phone = collect_phone("officer_a")
    xml = instance_xml(instance_id=_id())
    parts = [("xml_submission_file", ("a.xml", xml, "text/xml"))] * 2
    response = phone.http.post("/submission", files=parts)
    assert response.status_code == 400 and not Submission.objects.exists()


def test_a_body_over_the_limit_is_refused_413(collect_phone, live_server, world, form_a, settings):
    settings.TONLE_COLLECT_MAX_BODY_BYTES = 50_000
    response = collect_phone("officer_a").submit(
        instance_xml(instance_id=_id(), photo="big.jpg"), files={"big.jpg": b"x" * 60_000}
    )
    assert response.status_code == 413 and "MB" in message_of(response)
    assert not Submission.objects.exists()


def test_an_attachment_over_the_part_limit_is_refused_413(
    collect_phone, live_server, world, form_a, settings
):
    settings.TONLE_MAX_UPLOAD_BYTES = 20_000
    response = collect_phone("officer_a").submit(
        instance_xml(instance_id=_id(), photo="big.jpg"), files={"big.jpg": b"x" * 30_000}
    )
    assert response.status_code == 413 and "big.jpg" in message_of(response)


def test_a_form_of_another_project_is_refused_403_and_an_unknown_form_404(
    collect_phone, live_server, world, form_a
):
    response = collect_phone("officer_b").submit(instance_xml(instance_id=_id()))
    assert response.status_code == 403
    assert AccessLog.objects.filter(user=world.officer_b, action=AccessAction.REFUSED).exists()
    unknown = collect_phone("officer_a").submit(instance_xml(instance_id=_id(), version="1999"))
    assert unknown.status_code == 404 and not Submission.objects.exists()


def test_a_donor_may_not_submit(collect_phone, live_server, world, form_a):
    response = collect_phone("donor").http.post(
        "/submission", files=[("xml_submission_file", ("a.xml", b"<data/>", "text/xml"))]
    )
    assert response.status_code == 403 and not Submission.objects.exists()
