"""Kobo's JSON as Tonle reads it: a record as the instance KoboCollect would send, a form as an
XLSForm; and the sealing of an import's sign-in."""

from __future__ import annotations

import pytest
from django.test import override_settings
from lxml import etree

from tonle.collect.instances import InstanceError, instance_read
from tonle.collect.kobo_forms import kobo_asset_xlsform, kobo_instance_xml
from tonle.collect.sealing import Unreadable, seal, unseal
from tonle.collect.xlsform import xlsform_convert

RECORD = {
    "_id": 7,
    "start": "2024-03-01T09:00:00.000+07:00",
    "visit/village": "Kork Chan",
    "visit/women": [
        {"visit/women/name": "Sokha", "visit/women/age": 31, "visit/women/children": [
            {"visit/women/children/child": "Dara"}, {"visit/women/children/child": "Vy"}]},
        {"visit/women/name": "Srey", "visit/women/age": None, "visit/women/consent": True},
    ],
    "services": "id_card health",
    "__version__": "vX1",
    "meta/instanceID": "uuid:8f0b1b7e-9a53-4a8e-8a1d-2c1f3e5d6a70",
    "meta/deprecatedID": "uuid:11111111-2222-4333-8444-555555555555",
    "meta/rootUuid": "uuid:11111111-2222-4333-8444-555555555555",
    "_uuid": "8f0b1b7e-9a53-4a8e-8a1d-2c1f3e5d6a70",
    "_attachments": [],
    "_submission_time": "2024-03-01T02:01:00",
    "formhub/uuid": "ffff",
}  # fmt: skip


def test_a_kobo_record_becomes_the_instance_kobocollect_would_have_sent():
    xml = kobo_instance_xml(record=RECORD, form_id="aUid", root_tag="aUid")
    root = etree.fromstring(xml)
    assert (root.tag, root.get("id"), root.get("version")) == ("aUid", "aUid", "vX1")
    assert [child.tag for child in root] == [
        "start", "visit", "services", "__version__", "meta", "formhub"
    ]  # fmt: skip
    women = root.findall("visit/women")
    assert [w.findtext("name") for w in women] == ["Sokha", "Srey"]
    assert women[0].findtext("age") == "31" and women[1].findtext("age") == ""
    assert women[1].findtext("consent") == "true"
    assert women[0].xpath("children/child/text()") == ["Dara", "Vy"]
    assert root.find("_id") is None and root.find("_attachments") is None
    instance = instance_read(xml)
    assert instance.instance_id == RECORD["meta/instanceID"]
    assert instance.deprecated_id == instance.root_id == RECORD["meta/deprecatedID"]


def test_a_record_without_meta_instance_id_takes_it_from_uuid():
    record = {"_uuid": "8f0b1b7e-9a53-4a8e-8a1d-2c1f3e5d6a70", "name": "Sokha"}
    xml = kobo_instance_xml(record=record, form_id="f", root_tag="data")
    assert instance_read(xml).instance_id == "uuid:8f0b1b7e-9a53-4a8e-8a1d-2c1f3e5d6a70"


def test_an_answer_name_that_is_not_an_xml_name_is_refused_naming_it():
    with pytest.raises(InstanceError, match="1st question"):
        kobo_instance_xml(record={"1st question": "x"}, form_id="f", root_tag="data")


def test_a_kobo_asset_with_translations_and_a_select_becomes_a_form():
    asset = {
        "name": "Counselling",
        "content": {
            "survey": [
                {"type": "select_one", "select_from_list_name": "yn", "$autoname": "agreed",
                 "label": ["Agreed?", "យល់ព្រម?"], "$kuid": "k1"},
                {"type": "begin_repeat", "name": "women", "label": ["Women", "ស្ត្រី"]},
                {"type": "text", "name": "name", "label": ["Name", "ឈ្មោះ"], "required": True},
                {"type": "end_repeat"},
            ],
            "choices": [
                {"list_name": "yn", "name": "yes", "label": ["Yes", "បាទ/ចាស"]},
                {"list_name": "yn", "name": "no", "label": ["No", "ទេ"]},
            ],
            "settings": {},
            "translations": ["English (en)", "Khmer (km)"],
            "translated": ["label"],
        },
    }  # fmt: skip
    data = kobo_asset_xlsform(asset=asset, form_id="aCounsel", version="v2")
    form = xlsform_convert(file_name="aCounsel.xlsx", data=data)
    assert (form.form_id, form.version, form.title) == ("aCounsel", "v2", "Counselling")
    assert "យល់ព្រម?" in form.xml and "<agreed/>" in form.xml


def test_a_sealed_sign_in_reads_back_only_with_the_same_secret_key():
    sealed = seal("kobo-token-1")
    assert "kobo-token-1" not in sealed and seal("kobo-token-1") != sealed
    assert unseal(sealed) == "kobo-token-1"
    with pytest.raises(Unreadable):
        unseal(sealed[:-2] + "xx")
    with (
        override_settings(SECRET_KEY="another-key-entirely-for-this-test"),
        pytest.raises(Unreadable),
    ):
        unseal(sealed)
