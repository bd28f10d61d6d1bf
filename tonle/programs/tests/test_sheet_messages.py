"""What a sign-in sheet correction says: counted in the reader's language, singular and plural."""

import pytest
from django.conf import settings
from django.urls import reverse

from tonle.programs.sheets import attendance_sheet_upload
from tonle.programs.tests.factories import ActivityFactory

HEADER = "name_km,name_latin,sex,birth_year,village,phone,consent\n"
BAD_ROW = "សុខ ណារី,Sok Nary,F,19x0,Nowhere,,yes\n"


@pytest.fixture
def corrected(client, world):
    """Post the correction of the one bad row of a sheet; returns what the page then says."""
    activity = ActivityFactory(project=world.project_a)
    upload = attendance_sheet_upload(by=world.officer_a, activity=activity, file_name="day1.csv",
                                     data=(HEADER + BAD_ROW).encode())  # fmt: skip
    row = upload.rows.get()
    client.force_login(world.officer_a)
    fixed = {"name_km": "សុខ ណារី", "name_latin": "Sok Nary", "sex": "F", "birth_year": "1990",
             "village": world.village_a.code, "consent": "yes"}  # fmt: skip

    def correct(language: str) -> tuple[str, str]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.post(
            reverse("programs-sheet-row", args=[upload.pk, row.pk]),
            {f"row{row.pk}-{k}": v for k, v in fixed.items()},
            follow=True,
        )
        (message,) = [m.message for m in response.context["messages"]]
        return message, response.content.decode()

    return correct


def test_one_row_corrected_says_one_row_in_english(corrected):
    message, page = corrected("en")

    assert message == "1 row applied. 0 rows still need correction."
    assert "1 of 1 row applied; 0 need correction." in page


def test_one_row_corrected_is_said_in_khmer_with_khmer_digits(corrected):
    message, page = corrected("km")

    assert message == "បានបញ្ចូល ១ ជួរដេក។ ០ ជួរដេកនៅតែត្រូវកែតម្រូវ។"
    assert "បានបញ្ចូល ១ ជួរដេក ក្នុងចំណោម ១។" in page
