"""What the record apps that apply submissions build on: status, reasons, corrections, chains."""

from __future__ import annotations

import uuid

import pytest

from tonle.collect.instances import instance_read
from tonle.collect.models import RowStatus, Submission
from tonle.collect.selectors import submission_chain_newest
from tonle.collect.services import (
    submission_correct,
    submission_mark_applied,
    submission_mark_failed,
    submission_receive,
)
from tonle.collect.tests.phone import instance_xml

pytestmark = pytest.mark.django_db


def _receive(form, by, **fields) -> Submission:
    xml = instance_xml(**fields)
    return submission_receive(
        by=by, form=form, xml=xml, instance=instance_read(xml), parts=[], complete=True
    )[0]


def _id() -> str:
    return f"uuid:{uuid.uuid4()}"


def test_a_failed_submission_keeps_its_reasons_and_its_xml_while_corrected(world, form_a):
    submission = _receive(form_a, world.officer_a, instance_id=_id(), woman="nobody")
    arrived = bytes(submission.xml)
    submission_mark_failed(submission=submission, errors={"/data/woman": "No such woman."})
    submission_correct(submission=submission, corrections={"/data/woman": "12"})
    submission.refresh_from_db()
    assert submission.status == RowStatus.PENDING and bytes(submission.xml) == arrived
    assert submission.corrections == {"/data/woman": "12"}
    assert submission.errors == {"/data/woman": "No such woman."}
    submission_mark_applied(submission=submission, result="Attendance of woman 12")
    submission.refresh_from_db()
    assert (
        submission.status == RowStatus.APPLIED and submission.applied_at and not submission.errors
    )
    with pytest.raises(ValueError):
        submission_correct(submission=submission, corrections={})


def test_the_newest_of_a_chain_is_the_last_edit_whatever_order_they_came_in(world, form_a):
    first, second, third = _id(), _id(), _id()
    _receive(form_a, world.officer_a, instance_id=first)
    _receive(form_a, world.officer_a, instance_id=third, deprecated_id=second, age="32")
    _receive(form_a, world.officer_a, instance_id=second, deprecated_id=first, age="31")
    assert submission_chain_newest(root_id=first).instance_id == third
