"""Refused attempts are logged, and only administrators read the log."""

import datetime as dt
import io

import openpyxl
from django.urls import reverse

from tonle.accounts.models import AccessAction, AccessLog


def test_a_donor_opening_a_person_page_is_refused_and_the_attempt_logged(client, world):
    client.force_login(world.donor)
    response = client.get(reverse("people-detail", args=[world.woman_a.pk]))
    assert response.status_code == 403
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.record_id) == (
        world.donor,
        AccessAction.REFUSED,
        str(world.woman_a.pk),
    )


def test_a_field_officer_opening_another_projects_person_is_logged(client, world):
    client.force_login(world.officer_a)
    client.get(reverse("people-detail", args=[world.woman_b.pk]))
    assert AccessLog.objects.filter(
        user=world.officer_a, action=AccessAction.REFUSED, record_type="participant"
    ).exists()


def test_only_administrators_read_the_access_log(client, world):
    client.force_login(world.donor)
    client.get(reverse("people-detail", args=[world.woman_a.pk]))
    for persona in (world.manager, world.officer_a, world.mentor, world.donor):
        client.force_login(persona)
        assert client.get(reverse("accounts-access-log")).status_code == 403
    client.force_login(world.admin)
    page = client.get(reverse("accounts-access-log"), {"action": "refused"})
    assert page.status_code == 200
    assert [e.user for e in page.context["page"]][-1] == world.donor


def test_a_refusal_raised_inside_a_view_is_logged(client, world):
    """The supervision page refuses a Smart Woman in the view itself, not in a helper."""
    client.force_login(world.mentor)
    assert client.get(reverse("cases-supervision")).status_code == 403
    assert AccessLog.objects.filter(user=world.mentor, action=AccessAction.REFUSED).count() == 1


def test_administrators_filter_the_log_by_user_record_and_date_and_export_it(client, world):
    for persona in (world.donor, world.officer_b):
        client.force_login(persona)
        client.get(reverse("people-detail", args=[world.woman_a.pk]))
    AccessLog.objects.filter(user=world.officer_b).update(at=dt.datetime(2023, 1, 5, tzinfo=dt.UTC))
    client.force_login(world.admin)
    url = reverse("accounts-access-log")

    def users(**query) -> list[str]:
        return [e.user.username for e in client.get(url, query).context["page"]]

    assert users(username="donor") == ["donor"]
    assert users(record_type="participant", record_id=str(world.woman_a.pk)) == [
        "donor",
        "officer_b",
    ]
    assert users(since="2023-01-01", until="2023-01-31") == ["officer_b"]
    export = client.get(url, {"username": "officer_b", "format": "xlsx"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
    )
    assert len(rows) == 2 and rows[1][1] == "officer_b"
    assert AccessLog.objects.filter(
        user=world.admin, action=AccessAction.EXPORT, record_type="access-log"
    ).exists()


def test_the_pages_of_a_filtered_log_keep_the_filters_and_reach_the_oldest_entry(client, world):
    AccessLog.objects.bulk_create(
        AccessLog(user=world.donor, action=AccessAction.REFUSED, record_type="participant",
                  record_id=str(n), at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n))
        for n in range(1234)
    )  # fmt: skip
    client.force_login(world.admin)
    client.cookies["django_language"] = "km"
    query = {"username": "donor", "action": "refused"}
    first = client.get(reverse("accounts-access-log"), query)
    html = first.content.decode()
    assert "?username=donor&amp;action=refused&amp;page=13" in html  # the last, never "១៣"
    last = client.get(reverse("accounts-access-log"), {**query, "page": "13"})
    assert [e.record_id for e in last.context["page"]][-1] == "0"
    assert "បង្ហាញ ១,២០១–១,២៣៤ ក្នុងចំណោម ១,២៣៤" in last.content.decode()
