"""Applying a sign-in sheet: each woman once, every cell and the file kept, waiting rows applied
again on request, and a number of queries that does not grow with the sheet."""

from __future__ import annotations

from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tonle.collect.models import RowStatus
from tonle.collect.services import upload_store
from tonle.collect.sheets import sheet_read
from tonle.people.models import Participant
from tonle.programs import sheets
from tonle.programs.sheets import UPLOAD_KIND, attendance_sheet_apply, attendance_sheet_upload
from tonle.programs.tests.factories import ActivityFactory

HEADER = "name_km,name_latin,sex,birth_year,village,phone,consent\n"
HENG_POV = "ហេង ពៅ,Heng Pov,F,2008,{v},,yes"


def _csv(world, *rows: str, header: str = HEADER) -> bytes:
    return (
        (header + "".join(f"{row}\n" for row in rows)).replace("{v}", world.village_a.code).encode()
    )


def _collide(**kwargs):
    raise IntegrityError("attends_an_activity_once")


def test_the_same_new_woman_twice_on_a_sheet_applied_row_by_row_is_registered_once(
    world, monkeypatch
):
    monkeypatch.setattr(sheets, "attendances_record_many", _collide)  # someone ticked meanwhile
    activity = ActivityFactory(project=world.project_a)

    upload = attendance_sheet_upload(by=world.officer_a, activity=activity, file_name="a.csv",
                                     data=_csv(world, HENG_POV, HENG_POV))  # fmt: skip

    assert set(upload.rows.values_list("status", flat=True)) == {"applied"}
    assert Participant.objects.filter(name_latin="Heng Pov").count() == 1
    assert activity.attendances.count() == 1


def test_a_row_corrected_later_finds_the_woman_an_earlier_row_registered(client, world):
    activity = ActivityFactory(project=world.project_a)
    upload = attendance_sheet_upload(by=world.officer_a, activity=activity, file_name="a.csv",
                                     data=_csv(world, HENG_POV, HENG_POV.replace("{v}", "Nowhere")))  # fmt: skip
    late = upload.rows.get(status=RowStatus.FAILED)
    client.force_login(world.officer_a)

    prefix = f"row{late.pk}-"
    client.post(reverse("programs-sheet-row", args=[upload.pk, late.pk]),
                {prefix + "name_km": "ហេង ពៅ", prefix + "name_latin": "Heng Pov", prefix + "sex": "F",
                 prefix + "birth_year": "2008", prefix + "village": world.village_a.code,
                 prefix + "consent": "yes"})  # fmt: skip

    late.refresh_from_db()
    assert late.status == RowStatus.APPLIED
    assert Participant.objects.filter(name_latin="Heng Pov").count() == 1
    assert activity.attendances.count() == 1


def test_every_cell_is_kept_under_blank_and_repeated_headers_and_beyond_them(world):
    activity = ActivityFactory(project=world.project_a)
    header = "name_latin,,village,note,note,consent\n"  # a blank header and a repeated one
    data = _csv(world, "Heng Pov,at the back,{v},first,second,yes,past the end", header=header)

    upload = attendance_sheet_upload(
        by=world.officer_a, activity=activity, file_name="a.csv", data=data
    )

    row = upload.rows.get()
    assert upload.headers == ["name_latin", "", "village", "note", "note", "consent"]
    assert row.cells == ["Heng Pov", "at the back", world.village_a.code, "first", "second", "yes",
                         "past the end"]  # fmt: skip
    assert row.as_arrived(upload.headers) == [
        ("name_latin", "Heng Pov"), ("B", "at the back"), ("village", world.village_a.code),
        ("note", "first"), ("note", "second"), ("consent", "yes"), ("G", "past the end"),
    ]  # fmt: skip
    assert row.status == RowStatus.APPLIED  # applied from the columns it knows, as before


def test_the_file_is_kept_as_it_arrived_and_given_only_to_those_who_may_see_the_sheet(
    client, world
):
    activity = ActivityFactory(project=world.project_a)
    data = _csv(world, HENG_POV)
    upload = attendance_sheet_upload(
        by=world.officer_a, activity=activity, file_name="day 1.csv", data=data
    )
    assert upload.file.name.startswith("private/uploads/")
    with upload.file.open("rb") as kept:
        assert kept.read() == data

    client.force_login(world.officer_a)
    response = client.get(reverse("programs-sheet-file", args=[upload.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert 'filename="day 1.csv"' in response["Content-Disposition"]

    client.force_login(world.officer_b)  # another project's officer
    assert client.get(reverse("programs-sheet-file", args=[upload.pk])).status_code == 404


def test_rows_left_waiting_by_a_stopped_server_are_shown_and_applied_on_request(client, world):
    activity = ActivityFactory(project=world.project_a)
    data = _csv(world, HENG_POV, ",,F,1990,{v},,yes")
    upload = upload_store(by=world.officer_a, kind=UPLOAD_KIND, target={"activity": activity.pk},
                          file_name="a.csv", data=data, sheet=sheet_read(file_name="a.csv", data=data))  # fmt: skip
    client.force_login(world.officer_a)

    page = client.get(reverse("programs-sheet", args=[upload.pk]))
    assert len(page.context["waiting"]) == 2
    assert "2 rows are waiting" in page.content.decode()

    response = client.post(reverse("programs-sheet-apply", args=[upload.pk]), follow=True)

    assert "1 row applied. 1 row still needs correction." in response.content.decode()
    assert [row.status for row in upload.rows.order_by("number")] == ["applied", "failed"]
    client.post(reverse("programs-sheet-apply", args=[upload.pk]))  # again: nothing twice
    assert Participant.objects.filter(name_latin="Heng Pov").count() == 1
    assert activity.attendances.count() == 1


def test_another_projects_officer_cannot_apply_a_sheet(client, world):
    activity = ActivityFactory(project=world.project_a)
    data = _csv(world, HENG_POV)
    upload = upload_store(by=world.officer_a, kind=UPLOAD_KIND, target={"activity": activity.pk},
                          file_name="a.csv", data=data, sheet=sheet_read(file_name="a.csv", data=data))  # fmt: skip
    client.force_login(world.officer_b)
    assert client.post(reverse("programs-sheet-apply", args=[upload.pk])).status_code == 404
    assert upload.rows.get().status == RowStatus.PENDING


def _queries_to_apply(world, rows: list[str]) -> int:
    activity = ActivityFactory(project=world.project_a)
    header = "participant_id," + HEADER
    data = _csv(world, *rows, header=header)
    upload = upload_store(by=world.officer_a, kind=UPLOAD_KIND, target={"activity": activity.pk},
                          file_name="a.csv", data=data, sheet=sheet_read(file_name="a.csv", data=data))  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        counts = attendance_sheet_apply(by=world.officer_a, upload=upload)
    assert counts.failed == 0
    return len(queries)


def test_applying_a_sheet_takes_as_many_queries_for_forty_rows_as_for_four(world):
    def rows(count: int) -> list[str]:
        """Half named by id, half new women (a different name each time: no one to find)."""
        known = [f"{world.woman_a.pk},,,,,,,"] * (count // 2)
        new = [f",ស្រី{n},Srey {count} {n},F,1990,{{v}},,yes" for n in range(count // 2)]
        return known + new

    assert _queries_to_apply(world, rows(40)) == _queries_to_apply(world, rows(4))


def _queries_to_show(client, world, failed: int) -> int:
    activity = ActivityFactory(project=world.project_a)
    data = _csv(world, *[f"ស្រី{n},Srey {n},F,19x0,Nowhere,,maybe" for n in range(failed)])
    upload = attendance_sheet_upload(
        by=world.officer_a, activity=activity, file_name="a.csv", data=data
    )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("programs-sheet", args=[upload.pk])).status_code == 200
    return len(queries)


def test_the_sheet_page_takes_as_many_queries_for_twenty_rows_to_correct_as_for_two(client, world):
    client.force_login(world.officer_a)
    assert _queries_to_show(client, world, 20) == _queries_to_show(client, world, 2)
