"""The staff's pages of submissions, and the page where she sets her phone password."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from django.urls import reverse

from tonle.collect.instances import instance_read
from tonle.collect.models import PhoneCredential, RowStatus, Submission
from tonle.collect.services import Part, submission_receive
from tonle.collect.tests.phone import instance_xml

pytestmark = pytest.mark.django_db


def _received(form, by, **fields) -> Submission:
    xml = instance_xml(instance_id=f"uuid:{uuid.uuid4()}", **fields)
    submission, _new = submission_receive(
        by=by, form=form, xml=xml, instance=instance_read(xml),
        parts=[Part(name="photo.jpg", content_type="image/jpeg", data=b"jpeg")], complete=True,
    )  # fmt: skip
    return submission


def test_officer_sees_her_projects_submissions_with_the_xml_as_it_arrived(client, world, form_a):
    submission = _received(form_a, world.officer_a)
    client.force_login(world.officer_a)
    listed = client.get(reverse("collect-submissions"), {"form": form_a.pk, "status": "pending"})
    assert reverse("collect-submission", args=[submission.pk]) in listed.content.decode()
    page = client.get(reverse("collect-submission", args=[submission.pk])).content.decode()
    assert submission.instance_id in page and "photo.jpg" in page
    xml = client.get(reverse("collect-submission-xml", args=[submission.pk]))
    assert xml.content == bytes(submission.xml)
    photo = submission.attachments.get()
    download = client.get(reverse("collect-attachment", args=[photo.pk]))
    assert b"".join(download.streaming_content) == b"jpeg"


def test_the_status_filter_leaves_out_the_others(client, world, form_a):
    submission = _received(form_a, world.officer_a)
    client.force_login(world.manager)
    applied = client.get(reverse("collect-submissions"), {"status": RowStatus.APPLIED})
    assert reverse("collect-submission", args=[submission.pk]) not in applied.content.decode()


def test_another_projects_officer_donor_and_provider_see_no_submission(client, world, form_a):
    submission = _received(form_a, world.officer_a)
    photo = submission.attachments.get()
    client.force_login(world.officer_b)
    assert submission.instance_id not in client.get(reverse("collect-submissions")).content.decode()
    for name in ("collect-submission", "collect-submission-xml"):
        assert client.get(reverse(name, args=[submission.pk])).status_code == 404
    assert client.get(reverse("collect-attachment", args=[photo.pk])).status_code == 404
    client.force_login(world.donor)
    assert client.get(reverse("collect-submissions")).status_code == 403


def test_submissions_list_reads_a_fixed_number_of_queries(
    client, world, form_a, django_assert_max_num_queries
):
    for _ in range(5):
        _received(form_a, world.officer_a)
    client.force_login(world.officer_a)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("collect-submissions")).status_code == 200


def test_she_sets_her_phone_password_and_only_its_digest_is_kept(client, world, settings):
    client.force_login(world.mentor)
    page = client.get(reverse("collect-phone-password"))
    assert "/collect" in page.content.decode() and "mentor" in page.content.decode()
    client.post(reverse("collect-phone-password"), {"password": "new-phone-pw", "again": "x"})
    assert not PhoneCredential.objects.exists()
    response = client.post(
        reverse("collect-phone-password"), {"password": "new-phone-pw", "again": "new-phone-pw"}
    )
    assert response.status_code == 302
    credential = PhoneCredential.objects.get(user=world.mentor)
    realm = settings.TONLE_COLLECT_REALM
    assert credential.ha1 == hashlib.md5(f"mentor:{realm}:new-phone-pw".encode()).hexdigest()
    client.force_login(world.donor)
    assert client.get(reverse("collect-phone-password")).status_code == 403
