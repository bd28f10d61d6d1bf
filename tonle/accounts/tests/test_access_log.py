"""Refused attempts are logged, and only administrators read the log."""

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
