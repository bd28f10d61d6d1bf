"""pyxform's own example forms (tests/pyxform_examples, with their licence) become forms Tonle
keeps and maps, or are refused with pyxform's reason where pyxform itself refuses them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from pyxform.xls2json_backends import md_table_to_workbook

from tonle.collect.applying import form_fields, suggested_fields
from tonle.collect.models import Form
from tonle.collect.registry import appliers
from tonle.collect.xlsform import XLSFormError, xlsform_convert

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).parent / "pyxform_examples"
FORMS = sorted(
    path for path in EXAMPLES.iterdir() if path.suffix in (".md", ".csv") and path.stem.islower()
)  # README.md is not a form
# pyxform's "include" type pulls in another file of the same folder, which an upload of one
# workbook cannot carry: pyxform itself refuses it so, without a row.
REFUSED_BY_PYXFORM = {
    "include.md": "This section has not been included.",
    "include_json.md": "This section has not been included.",
}


def _workbook(text: str, *, suffix: str = ".md") -> bytes:
    """The example as the .xlsx a manager would save it as."""
    if suffix == ".md":
        book = md_table_to_workbook(text)
    else:  # pyxform's CSV: a row naming a sheet in the first column starts that sheet
        book = Workbook(write_only=True)
        sheet = None
        for row in csv.reader(io.StringIO(text)):
            if row and row[0]:
                sheet = book.create_sheet(row[0])
            elif sheet is not None:
                sheet.append(row[1:])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_the_examples_are_shipped_with_pyxforms_licence():
    assert len(FORMS) >= 9
    assert "Copyright (c) 2015, XLSForm" in (EXAMPLES / "LICENSE").read_text()
    assert "4.5.0" in (EXAMPLES / "README.md").read_text()


@pytest.mark.parametrize("path", FORMS, ids=[path.name for path in FORMS])
def test_each_example_uploads_as_a_form_and_gets_mapping_suggestions(client, world, path):
    data = _workbook(path.read_text(encoding="utf-8"), suffix=path.suffix)
    if path.name in REFUSED_BY_PYXFORM:
        with pytest.raises(XLSFormError) as refused:
            xlsform_convert(file_name=f"{path.stem}.xlsx", data=data)
        assert [(p.row, p.message) for p in refused.value.problems] == [
            (None, REFUSED_BY_PYXFORM[path.name])
        ]
        return
    converted = xlsform_convert(file_name=f"{path.stem}.xlsx", data=data)
    assert converted.xml.startswith("<?xml") and converted.form_id
    client.force_login(world.manager)
    response = client.post(reverse("collect-form-upload"), {
        "project": world.project_a.pk,
        "xlsform": SimpleUploadedFile(f"{path.stem}.xlsx", data),
    })  # fmt: skip
    form = Form.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert form.form_id == converted.form_id and form.xml == converted.xml
    fields = form_fields(form.xml)
    assert fields
    paths = {field.xpath for field in fields}
    for applier in appliers():
        assert set(suggested_fields(applier=applier, fields=fields).values()) <= paths
    page = client.get(reverse("collect-form-mapping", args=[form.pk]))
    assert page.status_code == 200
    assert all(field.xpath in page.content.decode() for field in fields)


def test_an_example_broken_by_a_missing_end_group_is_refused_with_its_row(client, world):
    lines = (EXAMPLES / "group.md").read_text(encoding="utf-8").splitlines()
    broken = "\n".join(line for line in lines if "end group" not in line)
    client.force_login(world.manager)
    response = client.post(reverse("collect-form-upload"), {
        "project": world.project_a.pk,
        "xlsform": SimpleUploadedFile("group.xlsx", _workbook(broken)),
    })  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and not Form.objects.exists()
    # The header is row 1: "begin group" is the third row of the survey sheet.
    assert "Row 3" in page and "begin_group" in page
