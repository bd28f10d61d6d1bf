"""An M&E manager uploads an XLSForm: it becomes an XForm, or its problems are shown by row."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tonle.collect.models import Form
from tonle.collect.tests.phone import SAMPLE

pytestmark = pytest.mark.django_db


def _xlsform(rows: list[list[str]], settings_rows: list[list[str]] | None = None) -> bytes:
    data = io.BytesIO()
    book = xlsxwriter.Workbook(data)
    survey = book.add_worksheet("survey")
    for number, row in enumerate(rows):
        survey.write_row(number, 0, row)
    if settings_rows:
        sheet = book.add_worksheet("settings")
        for number, row in enumerate(settings_rows):
            sheet.write_row(number, 0, row)
    book.close()
    return data.getvalue()


def _upload(client, project, data: bytes, name: str = "form.xlsx"):
    return client.post(
        reverse("collect-form-upload"),
        {"project": project.pk, "xlsform": SimpleUploadedFile(name, data)},
    )


def test_manager_uploads_the_sample_and_gets_an_xform_with_its_id_version_and_hash(client, world):
    client.force_login(world.manager)
    response = _upload(client, world.project_a, SAMPLE.read_bytes(), "sample.xlsx")
    form = Form.objects.get()
    assert response.status_code == 302
    # A new form is mapped next: its submissions wait for the mapping to be applied.
    assert response["Location"] == reverse("collect-form-mapping", args=[form.pk])
    assert (form.form_id, form.version, form.title) == (
        "tonle_sample",
        "2026120101",
        "Tonle sample",
    )
    assert form.project_id == world.project_a.pk and form.active
    assert form.media == ["women.csv"]
    assert form.xlsform.read() == SAMPLE.read_bytes()
    assert 'id="tonle_sample"' in form.xml and len(form.md5) == 32
    page = client.get(reverse("collect-form", args=[form.pk])).content.decode()
    # pyxform's warning about photo size is shown with its row.
    assert "Row 7" in page and "max-pixels" in page


def test_a_broken_form_is_refused_with_its_row(client, world):
    client.force_login(world.manager)
    broken = _xlsform(
        [["type", "name", "label"], ["integer", "age", "Age"], ["begin group", "g", "G"]]
    )
    response = _upload(client, world.project_a, broken)
    assert response.status_code == 200
    assert "Row 3" in response.content.decode() and "begin_group" in response.content.decode()
    assert not Form.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused_not_a_500(client, world):
    client.force_login(world.manager)
    response = _upload(client, world.project_a, b"not a workbook at all")
    assert response.status_code == 200 and not Form.objects.exists()
    assert "The form could not be made" in response.content.decode()


def test_a_new_version_replaces_the_active_one_and_the_same_version_is_refused(client, world):
    client.force_login(world.manager)
    survey = [["type", "name", "label"], ["integer", "age", "Age"]]
    first = _xlsform(survey, [["form_id", "version"], ["visit", "1"]])
    second = _xlsform([*survey, ["text", "note", "Note"]], [["form_id", "version"], ["visit", "2"]])
    _upload(client, world.project_a, first)
    _upload(client, world.project_a, second)
    again = _upload(client, world.project_a, second)
    assert "already uploaded" in again.content.decode()
    assert list(Form.objects.order_by("version").values_list("version", "active")) == [
        ("1", False),
        ("2", True),
    ]
    other_project = _upload(
        client, world.project_b, _xlsform(survey, [["form_id", "version"], ["visit", "3"]])
    )
    assert "belongs to another project" in other_project.content.decode()


def test_only_managers_upload_and_the_list_shows_only_her_projects_forms(client, world, form_a):
    client.force_login(world.officer_a)
    assert client.get(reverse("collect-form-upload")).status_code == 403
    assert "Tonle sample" in client.get(reverse("collect-forms")).content.decode()
    client.force_login(world.officer_b)
    assert "Tonle sample" not in client.get(reverse("collect-forms")).content.decode()
    assert client.get(reverse("collect-form", args=[form_a.pk])).status_code == 404
    client.force_login(world.donor)
    assert client.get(reverse("collect-forms")).status_code == 403


def test_a_media_file_tonle_does_not_provide_is_warned_about(client, world):
    client.force_login(world.manager)
    survey = [["type", "name", "label", "image"], ["note", "logo", "Logo", "logo.png"]]
    _upload(client, world.project_a, _xlsform(survey, [["form_id", "version"], ["logo", "1"]]))
    form = Form.objects.get()
    assert form.media == ["logo.png"]
    page = client.get(reverse("collect-form", args=[form.pk])).content.decode()
    assert "logo.png" in page and "does not provide" in page
