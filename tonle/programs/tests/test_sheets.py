"""Attendance from a sign-in sheet: rows kept as they arrived, good rows land, bad rows wait for a fix."""

import io

import pytest
import xlsxwriter
from django.test import override_settings
from django.urls import reverse

from tonle.collect.models import IncomingRow, RowStatus, Upload
from tonle.collect.sheets import SheetError
from tonle.people.models import Participant
from tonle.programs.sheets import attendance_sheet_upload
from tonle.programs.tests.factories import ActivityFactory

HEADER = "name_km,name_latin,sex,birth_year,village,phone,consent\n"


def _csv(world, *rows: str) -> bytes:
    return (
        (HEADER + "".join(row + "\n" for row in rows))
        .replace("{village}", world.village_a.code)
        .encode()
    )


def test_good_rows_land_and_bad_rows_stay_with_a_reason_per_field(world):
    activity = ActivityFactory(project=world.project_a)
    data = _csv(
        world,
        "ចាន់ សុភា,Chan Sophea,F,1990,{village},,yes",  # already registered: matched, not duplicated
        "ហេង ពៅ,Heng Pov,F,2008,{village},012 345 678,yes",  # new girl
        ",,F,1990,{village},,yes",  # no name
        "សុខ ណារី,Sok Nary,F,19x0,Nowhere,,maybe",  # three bad fields
    )

    upload = attendance_sheet_upload(
        by=world.officer_a, activity=activity, file_name="day1.csv", data=data
    )

    rows = {row.number: row for row in upload.rows.all()}
    assert [rows[n].status for n in (2, 3, 4, 5)] == ["applied", "applied", "failed", "failed"]
    assert set(rows[4].errors) == {"name_latin"}
    assert set(rows[5].errors) == {"birth_year", "village", "consent"}
    assert "Nowhere" in rows[5].errors["village"]
    assert rows[5].data["village"] == "Nowhere"  # kept exactly as it arrived
    assert set(activity.attendances.values_list("participant__name_latin", flat=True)) == {
        "Chan Sophea",
        "Heng Pov",
    }
    assert Participant.objects.filter(name_latin="Chan Sophea").count() == 1


def test_a_failed_row_corrected_in_the_browser_is_applied_and_the_original_kept(client, world):
    activity = ActivityFactory(project=world.project_a)
    upload = attendance_sheet_upload(
        by=world.officer_a,
        activity=activity,
        file_name="day1.csv",
        data=_csv(world, "សុខ ណារី,Sok Nary,F,19x0,Nowhere,,yes"),
    )
    row = upload.rows.get()
    client.force_login(world.officer_a)
    page = client.get(reverse("programs-sheet", args=[upload.pk]))
    assert page.status_code == 200 and len(page.context["failed"]) == 1

    prefix = f"row{row.pk}-"
    form = {prefix + k: v for k, v in {"name_km": "សុខ ណារី", "name_latin": "Sok Nary", "sex": "F",
            "birth_year": "1990", "village": world.village_a.code, "consent": "yes"}.items()}  # fmt: skip
    response = client.post(reverse("programs-sheet-row", args=[upload.pk, row.pk]), form)

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == RowStatus.APPLIED
    assert row.data["birth_year"] == "19x0" and row.corrections["birth_year"] == "1990"
    assert activity.attendances.filter(participant__name_latin="Sok Nary").exists()


def test_xlsx_sheet_with_khmer_headers_is_read(world):
    activity = ActivityFactory(project=world.project_a)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    for col, value in enumerate(["ឈ្មោះ", "ភូមិ", "ឆ្នាំកំណើត", "ការយល់ព្រម"]):
        sheet.write(0, col, value)
    for col, value in enumerate(["ទេព ធីតា", world.village_a.name_km, 1985, "បាទ/ចាស"]):
        sheet.write(1, col, value)
    book.close()

    upload = attendance_sheet_upload(
        by=world.officer_a, activity=activity, file_name="sheet.xlsx", data=buffer.getvalue()
    )

    row = upload.rows.get()
    assert row.status == RowStatus.APPLIED, row.errors
    person = Participant.objects.get(name_km="ទេព ធីតា")
    assert (person.birth_year, person.consent_given) == (1985, True)


@pytest.mark.parametrize(
    ("file_name", "data", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("header-only.csv", HEADER.encode(), "no rows"),
        ("wrong-columns.csv", b"colour,size\nred,big\n", "no name column"),
        ("latin1.csv", "name_latin\nS\xf3k\n".encode("cp1252") + b"\xff\xfe\x00", "UTF-8"),
        ("picture.png", b"\x89PNG....", "CSV or XLSX"),
        ("broken.xlsx", b"PK\x03\x04 not really a workbook", "damaged"),
    ],
)
def test_a_malformed_sheet_is_refused_with_a_clear_message_and_changes_nothing(
    world, file_name, data, message
):
    activity = ActivityFactory(project=world.project_a)
    with pytest.raises(SheetError) as refused:
        attendance_sheet_upload(
            by=world.officer_a, activity=activity, file_name=file_name, data=data
        )
    assert message in str(refused.value)
    assert not Upload.objects.exists() and not IncomingRow.objects.exists()


@override_settings(TONLE_MAX_UPLOAD_BYTES=1024 * 1024)
def test_a_huge_file_is_refused_in_the_page_with_a_message(client, world):
    activity = ActivityFactory(project=world.project_a)
    client.force_login(world.officer_a)
    big = io.BytesIO(b"name_latin\n" + b"Sok Dara\n" * 200_000)
    big.name = "huge.csv"
    response = client.post(reverse("programs-sheet-upload", args=[activity.pk]), {"sheet": big})
    assert response.status_code == 200
    assert "may be at most" in str(response.context["upload_form"].errors["sheet"])
    assert not Upload.objects.exists()


def test_a_sheet_of_two_thousand_rows_applies_every_row(world):
    activity = ActivityFactory(project=world.project_a)
    rows = [f"ស្រី{n},Srey {n},F,{1950 + n % 60},{{village}},,yes" for n in range(2000)]
    upload = attendance_sheet_upload(
        by=world.officer_a, activity=activity, file_name="big.csv", data=_csv(world, *rows)
    )
    assert upload.rows.filter(status=RowStatus.APPLIED).count() == 2000
    assert activity.attendances.count() == 2000


def test_a_sheet_whose_bulk_write_collides_is_applied_row_by_row(world, monkeypatch):
    """If someone ticks the same women while the sheet lands, each row still lands on its own."""
    from django.db import IntegrityError

    from tonle.programs import sheets

    def collide(**kwargs):
        raise IntegrityError("attends_an_activity_once")

    monkeypatch.setattr(sheets, "attendances_record_many", collide)
    activity = ActivityFactory(project=world.project_a)
    data = _csv(world, "ហេង ពៅ,Heng Pov,F,2008,{village},,yes", ",,F,1990,{village},,yes")
    upload = attendance_sheet_upload(
        by=world.officer_a, activity=activity, file_name="a.csv", data=data
    )
    assert [row.status for row in upload.rows.order_by("number")] == ["applied", "failed"]
    assert activity.attendances.get().participant.name_latin == "Heng Pov"
    assert Participant.objects.filter(name_latin="Heng Pov").count() == 1


def test_the_same_new_woman_twice_on_a_sheet_is_registered_once(world):
    activity = ActivityFactory(project=world.project_a)
    row = "ហេង ពៅ,Heng Pov,F,2008,{village},,yes"
    upload = attendance_sheet_upload(
        by=world.officer_a, activity=activity, file_name="a.csv", data=_csv(world, row, row)
    )
    assert set(upload.rows.values_list("status", flat=True)) == {"applied"}
    assert Participant.objects.filter(name_latin="Heng Pov").count() == 1
    assert activity.attendances.count() == 1
