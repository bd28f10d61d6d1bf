"""The activities on the phone: those of the user's own scope, recent and coming, as the CSV an
attendance form picks its activity from."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.utils import timezone

from tonle.accounts.models import User
from tonle.programs.selectors import activities_visible_to

# The file name a form refers to: `select_one_from_file activities.csv` in its XLSForm.
ACTIVITIES_FILE = "activities.csv"
COLUMNS = ["name", "label", "name_en", "name_km", "date", "village", "village_km"]
# How far back the phone's list reaches: attendance is recorded soon after an activity, and a
# list of every past activity would grow without end on a phone that fetches it offline.
DAYS_BACK = 60


def activities_csv(user: User) -> bytes:
    """Her own scope only, from DAYS_BACK days ago on (today in Cambodia), oldest first.

    `name` is the activity's id (what the form stores), `label` what the phone shows: its date
    and titles in both languages, and its village. The same activities give the same bytes, so
    the file's MD5 changes only when the list does.
    """
    since = timezone.localdate() - dt.timedelta(days=DAYS_BACK)
    activities = (
        activities_visible_to(user=user)
        .filter(date__gte=since)
        .order_by("date", "id")
        .values_list("id", "name_en", "name_km", "date", "village__name_en", "village__name_km")
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for pk, name_en, name_km, date, village, village_km in activities.iterator(chunk_size=2000):
        titles = " / ".join(name for name in (name_km, name_en) if name)
        place = " / ".join(name for name in (village_km, village) if name)
        label = f"{date.isoformat()} · {titles} · {place}"
        writer.writerow([pk, label, name_en, name_km, date.isoformat(), village, village_km])
    return out.getvalue().encode("utf-8")
