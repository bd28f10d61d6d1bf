"""Attendance from a sign-in sheet: rows kept as they arrived, good rows land, bad rows wait for a fix."""

import io
import zipfile

import pytest
import xlsxwriter
from django.urls import reverse

from tonle.collect.models import IncomingRow, RowStatus, Upload
from tonle.collect.sheets import SheetError, sheet_read
from tonle.geo.tests.factories import VillageFactory
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


def test_a_file_over_the_limit_given_to_the_service_is_refused(world, settings):
    """The web drops such a file while it streams in (tonle/lib/tests/test_uploads.py); a
    command or an import calling the service directly is held to the same limit."""
    settings.TONLE_MAX_UPLOAD_BYTES = 1024 * 1024
    activity = ActivityFactory(project=world.project_a)
    with pytest.raises(SheetError, match="may be at most"):
        attendance_sheet_upload(by=world.officer_a, activity=activity, file_name="huge.csv",
                                data=b"name_latin\n" + b"Sok Dara\n" * 200_000)  # fmt: skip
    assert not Upload.objects.exists()


def _xlsx_parts(sheet_xml: bytes) -> dict[str, bytes]:
    """The few parts of a real workbook, with the worksheet given."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    kinds = "http://schemas.openxmlformats.org/package/2006"
    return {
        "[Content_Types].xml": f'''<?xml version="1.0"?><Types xmlns="{kinds}/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>'''.encode(),
        "_rels/.rels": f'''<?xml version="1.0"?><Relationships xmlns="{kinds}/relationships">
<Relationship Id="rId1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>'''.encode(),
        "xl/workbook.xml": f'''<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rels}">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'''.encode(),
        "xl/_rels/workbook.xml.rels": f'''<?xml version="1.0"?><Relationships xmlns="{kinds}/relationships">
<Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'''.encode(),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }


def _xlsx(rows: int) -> bytes:
    """A workbook of `rows` rows of one name each, packed as tight as zip goes."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    row = b'<row><c t="inlineStr"><is><t>Sok Dara</t></is></c></row>'
    sheet = (f'<?xml version="1.0"?><worksheet xmlns="{main}"><sheetData>'.encode()
             + b'<row><c t="inlineStr"><is><t>name_latin</t></is></c></row>' + row * rows
             + b"</sheetData></worksheet>")  # fmt: skip
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, data in _xlsx_parts(sheet).items():
            book.writestr(name, data)
    return packed.getvalue()


def test_an_xlsx_bomb_is_refused_before_it_is_unpacked(world):
    bomb = _xlsx(1_200_000)  # about 70 MB of worksheet XML
    assert len(bomb) < 500_000
    with pytest.raises(SheetError, match="unpacks to more than 50 MB"):
        sheet_read(file_name="bomb.xlsx", data=bomb)


def test_an_xlsx_that_unpacks_a_hundredfold_is_refused_under_the_size_limit(world):
    bomb = _xlsx(300_000)  # about 17 MB of XML in a zip of a hundred kilobytes
    with pytest.raises(SheetError, match="unpacks to more than"):
        sheet_read(file_name="bomb.xlsx", data=bomb)


def test_a_sheet_over_the_row_limit_is_refused_and_one_at_the_limit_is_read(world, settings):
    settings.TONLE_MAX_SHEET_ROWS = 101  # the header and a hundred women
    assert len(sheet_read(file_name="ok.xlsx", data=_xlsx(100)).rows) == 100
    for name, data in (("long.xlsx", _xlsx(101)),
                       ("long.csv", b"name_latin\n" + b"Sok Dara\n" * 101)):  # fmt: skip
        with pytest.raises(SheetError, match="more than 101 rows"):
            sheet_read(file_name=name, data=data)


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


def test_an_unknown_village_is_refused_naming_the_row_the_field_and_the_projects_villages(world):
    second = VillageFactory(commune=world.village_a.commune)
    world.project_a.communities.add(second)
    activity = ActivityFactory(project=world.project_a)
    upload = attendance_sheet_upload(
        by=world.officer_a, activity=activity, file_name="day1.csv",
        data=_csv(world, "សុខ ណារី,Sok Nary,F,1990,{village},,yes", "ទេព ធីតា,Tep Thida,F,1985,Nowhere,,yes"),
    )  # fmt: skip

    error = upload.rows.get(number=3).errors["village"]

    villages = ", ".join(sorted([world.village_a.name_en, second.name_en]))
    assert error == (
        f"Row 3, village: “Nowhere” is not one of this project's villages, which are: {villages}."
    )


def test_the_village_of_a_row_being_corrected_is_chosen_from_the_projects_villages(client, world):
    activity = ActivityFactory(project=world.project_a)
    upload = attendance_sheet_upload(
        by=world.officer_a, activity=activity, file_name="day1.csv",
        data=_csv(world, "ទេព ធីតា,Tep Thida,F,1985,Nowhere,,yes"),
    )  # fmt: skip
    row = upload.rows.get()
    client.force_login(world.officer_a)

    page = client.get(reverse("programs-sheet", args=[upload.pk]))

    village = page.context["failed"][0]["form"].fields["village"]
    assert [code for code, _label in village.choices] == ["", world.village_a.code]
    html = page.content.decode()
    assert f'<select name="row{row.pk}-village"' in html
    assert ">Name in Khmer<" in html and ">Participant id<" in html  # labels begin with a capital
    prefix = f"row{row.pk}-"
    client.post(
        reverse("programs-sheet-row", args=[upload.pk, row.pk]),
        {prefix + "name_km": "ទេព ធីតា", prefix + "name_latin": "Tep Thida", prefix + "sex": "F",
         prefix + "birth_year": "1985", prefix + "village": world.village_a.code,
         prefix + "consent": "yes"},
    )  # fmt: skip
    row.refresh_from_db()
    assert row.status == RowStatus.APPLIED
    assert activity.attendances.get().participant.village == world.village_a
