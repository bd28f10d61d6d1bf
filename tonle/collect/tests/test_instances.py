"""Reading what phones send: times with any offset, padded choices, forgotten namespaces."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from tonle.collect.instances import InstanceError, instance_read, moment_of, select_multiple_values

UTC = dt.UTC


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2026-11-30T09:12:00.000+07:00", dt.datetime(2026, 11, 30, 2, 12, tzinfo=UTC)),
        ("2026-11-30T09:12:00.000+0700", dt.datetime(2026, 11, 30, 2, 12, tzinfo=UTC)),
        ("2026-11-30T08:00:00.000-04", dt.datetime(2026, 11, 30, 12, 0, tzinfo=UTC)),
        ("2026-11-30T08:00:00Z", dt.datetime(2026, 11, 30, 8, 0, tzinfo=UTC)),
        ("2026-11-30 08:00", dt.datetime(2026, 11, 30, 1, 0, tzinfo=UTC)),  # Cambodia's
        ("2026-11-30T08:00:00,5+05:30", dt.datetime(2026, 11, 30, 2, 30, 0, 500000, tzinfo=UTC)),
    ],
)
def test_a_phones_time_is_read_with_its_offset(text, instant):
    assert moment_of(text) == instant


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-40T25:00:00+07:00"])
def test_what_is_not_a_time_is_none_not_an_error(text):
    assert moment_of(text) is None


def test_space_padded_choices_are_read_as_the_choices():
    assert select_multiple_values("  id_card   health \n") == ["id_card", "health"]


def test_an_undeclared_prefix_is_declared_and_the_ids_read():
    xml = (
        b'<data id="f" version="1"><orx:meta><orx:instanceID>uuid:0b5c4f3e-1d2a-4c3b-9a8e-'
        b"7f6e5d4c3b2a</orx:instanceID><jr:deprecatedID>uuid:1b5c4f3e-1d2a-4c3b-9a8e-"
        b"7f6e5d4c3b2a</jr:deprecatedID></orx:meta></data>"
    )
    instance = instance_read(xml)
    assert instance.instance_id == "uuid:0b5c4f3e-1d2a-4c3b-9a8e-7f6e5d4c3b2a"
    assert instance.deprecated_id == "uuid:1b5c4f3e-1d2a-4c3b-9a8e-7f6e5d4c3b2a"


def test_entities_are_not_expanded():
    xml = (
        b'<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><data id="f">&e;<meta>'
        b"<instanceID>uuid:0b5c4f3e-1d2a-4c3b-9a8e-7f6e5d4c3b2a</instanceID></meta></data>"
    )
    assert b"root:" not in etree.tostring(instance_read(xml).root)


def test_an_overlong_form_id_is_refused():
    with pytest.raises(InstanceError):
        instance_read(b'<data id="' + b"f" * 101 + b'"><meta/></data>')


def test_a_kobo_or_central_instance_gives_its_root_and_version_from_its_namespaces():
    xml = (
        b'<data xmlns="http://opendatakit.org/submissions" xmlns:orx="http://openrosa.org/xforms"'
        b' id="f" orx:version="7"><orx:meta><orx:instanceID>uuid:0b5c4f3e-1d2a-4c3b-9a8e-'
        b"7f6e5d4c3b2a</orx:instanceID><orx:rootUuid>uuid:2b5c4f3e-1d2a-4c3b-9a8e-7f6e5d4c3b2a"
        b"</orx:rootUuid><orx:timeStart>2026-11-30T07:00:00+07:00</orx:timeStart></orx:meta></data>"
    )
    instance = instance_read(xml)
    assert (instance.form_id, instance.version) == ("f", "7")
    assert instance.root_id == "uuid:2b5c4f3e-1d2a-4c3b-9a8e-7f6e5d4c3b2a"
    assert instance.started_text == "2026-11-30T07:00:00+07:00"
