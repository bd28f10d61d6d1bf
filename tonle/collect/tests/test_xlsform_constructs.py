"""Forms written the ways the XLSForm documentation shows (groups, repeats inside groups, "or
specify other", select_multiple, loops over choices, labels per language) convert, their
questions are found at their paths, and a mapping onto them applies.

pyxform's own example forms (tests/example_xls in XLSForm/pyxform) use these constructs; the
forms here are written for Tonle in the same shapes, not copied.
"""

from __future__ import annotations

import io
import uuid

import pytest
import xlsxwriter

from tonle.collect.applying import form_fields, suggested_fields
from tonle.collect.instances import instance_read
from tonle.collect.models import RowStatus
from tonle.collect.registry import applier_of
from tonle.collect.services import form_upload, mapping_save, submission_apply, submission_receive
from tonle.programs.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _xlsx(survey: list[list[str]], choices: list[list[str]] = (), form_id: str = "f") -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    for name, rows in (("survey", survey), ("choices", choices),
                       ("settings", [["form_id", "version"], [form_id, "1"]])):  # fmt: skip
        sheet = book.add_worksheet(name)
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
    book.close()
    return out.getvalue()


SEXES = [["list_name", "name", "label"], ["sexes", "male", "Male"], ["sexes", "female", "Female"],
         ["toilet", "pit", "Pit latrine"], ["toilet", "bucket", "Bucket"]]  # fmt: skip

CONSTRUCTS = {
    "group": [["type", "name", "label::English (en)"], ["text", "family_name", "Family name"],
              ["begin group", "father", "Father"], ["phone number", "phone_number", "Phone"],
              ["integer", "age", "Age"], ["end group", "", ""]],
    "specify_other": [["type", "name", "label:English"],
                      ["select one from sexes or specify other", "sex", "Sex"]],
    "loop": [["type", "name", "label:english"],
             ["select all that apply from toilet or specify other", "toilets", "Toilets"],
             ["begin loop over toilet", "loop_toilets", "Loop"],
             ["integer", "number", "How many %(label)s?"], ["end loop", "", ""]],
    "repeat_in_group": [["type", "name", "label"], ["integer", "activity", "Activity"],
                        ["begin group", "meeting", "Meeting"],
                        ["begin repeat", "attendees", "Attendees"],
                        ["integer", "participant", "Woman"], ["end repeat", "", ""],
                        ["end group", "", ""]],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CONSTRUCTS))
def test_a_documented_construct_converts_and_its_questions_are_found(world, name):
    form = form_upload(by=world.manager, project_id=world.project_a.pk, file_name=f"{name}.xlsx",
                       data=_xlsx(CONSTRUCTS[name], SEXES, form_id=name))  # fmt: skip
    paths = {field.xpath for field in form_fields(form.xml)}
    expected = {
        "group": {"/data/family_name", "/data/father/phone_number", "/data/father/age"},
        "specify_other": {"/data/sex", "/data/sex_other"},
        "loop": {"/data/toilets", "/data/loop_toilets/pit/number"},
        "repeat_in_group": {"/data/activity", "/data/meeting/attendees",
                            "/data/meeting/attendees/participant"},
    }[name]  # fmt: skip
    assert expected <= paths


def test_an_attendance_repeat_inside_a_group_is_suggested_and_applied(world):
    form = form_upload(by=world.manager, project_id=world.project_a.pk, file_name="r.xlsx",
                       data=_xlsx(CONSTRUCTS["repeat_in_group"], form_id="repeat_in_group"))  # fmt: skip
    applier = applier_of("programs.attendance")
    suggested = suggested_fields(applier=applier, fields=form_fields(form.xml))
    assert suggested == {"activity": "/data/activity", "women": "/data/meeting/attendees",
                         "woman": "/data/meeting/attendees/participant"}  # fmt: skip
    mapping_save(by=world.manager, form=form,
                 kinds={"programs.attendance": {"fields": suggested, "constants": {}}})  # fmt: skip
    activity = ActivityFactory(project=world.project_a, village=world.village_a)
    women = "".join(f"<attendees><participant>{w.pk}</participant></attendees>"
                    for w in (world.woman_a, world.mentee))  # fmt: skip
    xml = (f'<data id="repeat_in_group" version="1"><activity>{activity.pk}</activity>'
           f"<meeting>{women}</meeting><meta><instanceID>uuid:{uuid.uuid4()}</instanceID>"
           f"</meta></data>").encode()  # fmt: skip
    submission, _new = submission_receive(by=world.officer_a, form=form, xml=xml,
                                          instance=instance_read(xml), parts=[], complete=True)  # fmt: skip
    assert submission_apply(submission=submission).status == RowStatus.APPLIED
    assert activity.attendances.count() == 2
