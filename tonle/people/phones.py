"""The registry on the phone: the women a user may see, as the CSV a form picks a woman from."""

from __future__ import annotations

import csv
import io

from tonle.accounts.models import User
from tonle.people.selectors import participants_visible_to

# The file name a form refers to: `select_one_from_file women.csv` in its XLSForm.
WOMEN_FILE = "women.csv"
COLUMNS = ["name", "label", "name_km", "name_latin", "village", "village_km", "birth_year"]


def women_csv(user: User) -> bytes:
    """Her own scope only, and nothing but names in both scripts, village and year of birth.

    `name` is the woman's id (what the form stores), `label` what the phone shows in the list.
    The same women give the same bytes, so the file's MD5 changes only when the list does.
    """
    women = (
        participants_visible_to(user=user)
        .order_by("id")
        .values_list(
            "id", "name_km", "name_latin", "village__name_en", "village__name_km", "birth_year"
        )
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for pk, name_km, name_latin, village, village_km, born in women.iterator(chunk_size=2000):
        label = " / ".join(name for name in (name_km, name_latin) if name)
        writer.writerow([pk, label, name_km, name_latin, village, village_km, born or ""])
    return out.getvalue().encode("utf-8")
