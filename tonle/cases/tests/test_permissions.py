"""Every role against a case and its restricted notes; every read and refusal is logged."""

import pytest
from django.urls import reverse

from tonle.accounts.models import AccessAction, AccessLog, Role
from tonle.accounts.tests.factories import UserFactory

NOTE = "She fears her husband"

# persona -> (may open the case, may read its notes)
EXPECTED = {
    "mentor": (True, True),  # the assigned worker
    "officer_a": (True, True),  # her supervisor
    "manager": (True, True),  # the M&E manager
    "admin": (True, False),  # sees the case, not the notes
    "officer_b": (False, False),  # another project
    "other_mentor": (False, False),  # another Smart Woman
    "donor": (False, False),
    "provider": (False, False),
}


@pytest.fixture
def personas(world):
    people = {
        name: getattr(world, name)
        for name in ("mentor", "officer_a", "manager", "admin", "officer_b", "donor")
    }
    people["other_mentor"] = UserFactory(role=Role.SMART_WOMAN)
    people["provider"] = UserFactory(role=Role.PROVIDER)
    return people


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_role_against_a_case_and_its_notes(client, personas, mentor_case, persona):
    may_open, may_read_notes = EXPECTED[persona]
    user = personas[persona]
    client.force_login(user)

    response = client.get(reverse("cases-detail", args=[mentor_case.pk]))

    assert response.status_code == (200 if may_open else 404)
    assert (NOTE in response.content.decode()) is may_read_notes
    logged = set(AccessLog.objects.filter(user=user).values_list("action", "record_type"))
    if may_open:
        assert (AccessAction.READ, "case") in logged
        assert ((AccessAction.READ, "case-notes") in logged) is may_read_notes
    else:
        assert logged == {(AccessAction.REFUSED, "case")}


@pytest.mark.parametrize("persona", ["other_mentor", "officer_b", "donor", "provider", "admin"])
def test_who_may_not_read_notes_cannot_write_them_either(client, personas, mentor_case, persona):
    client.force_login(personas[persona])
    response = client.post(reverse("cases-note", args=[mentor_case.pk]), {"text": "x"})
    # Outside her scope the case is not there (404); in it, without the notes, refused (403).
    assert response.status_code == (403 if persona == "admin" else 404)
    assert mentor_case.notes.count() == 1


def test_a_smart_woman_lists_only_her_own_cases(client, personas, mentor_case):
    client.force_login(personas["other_mentor"])
    assert list(client.get(reverse("cases-list")).context["cases"]) == []
    client.force_login(personas["mentor"])
    assert list(client.get(reverse("cases-list")).context["cases"]) == [mentor_case]


def test_the_timeline_shows_a_case_only_to_those_who_may_see_it(client, world, mentor_case):
    client.force_login(world.officer_a)
    kinds = [
        e.kind
        for e in client.get(reverse("people-detail", args=[world.mentee.pk])).context["timeline"]
    ]
    assert "Counselling" in kinds
    client.force_login(world.mentor)
    page = client.get(reverse("people-detail", args=[world.mentee.pk]))
    assert NOTE not in page.content.decode()  # the timeline never shows notes


@pytest.mark.parametrize(("persona", "allowed"), [("mentor", True), ("officer_a", True), ("manager", True),
                                                  ("admin", False), ("officer_b", False)])  # fmt: skip
def test_only_those_who_read_the_notes_record_sessions_on_a_case(
    client, personas, mentor_case, persona, allowed
):
    client.force_login(personas[persona])
    response = client.get(reverse("cases-session", args=[mentor_case.pk]))
    assert response.status_code == (200 if allowed else 403 if persona == "admin" else 404)


# persona -> may she open the cases list, the supervision page, the referrals list
LISTS = {
    "donor": (False, False, False),
    "provider": (False, False, True),  # her own inbox of referrals
    "mentor": (True, False, False),
    "officer_a": (True, True, True),
}


@pytest.mark.parametrize("persona", sorted(LISTS))
def test_a_list_she_may_not_use_is_refused_logged_and_not_linked(client, personas, persona):
    user = personas[persona]
    client.force_login(user)
    cases, supervision, referrals = (
        reverse(name) for name in ("cases-list", "cases-supervision", "referrals-list")
    )
    page = client.get(reverse("about")).content.decode()
    nav = page[page.index('<nav class="nav">') : page.index("</nav>")]
    for url, allowed in zip((cases, supervision, referrals), LISTS[persona], strict=True):
        before = AccessLog.objects.filter(user=user, action=AccessAction.REFUSED).count()
        response = client.get(url)
        after = AccessLog.objects.filter(user=user, action=AccessAction.REFUSED).count()
        assert (response.status_code, after - before) == ((200, 0) if allowed else (403, 1)), url
    assert (f'href="{cases}"' in nav, f'href="{referrals}"' in nav) == (
        LISTS[persona][0],
        LISTS[persona][2],
    )
    if LISTS[persona][0]:
        links_supervision = f'href="{supervision}"' in client.get(cases).content.decode()
        assert links_supervision == LISTS[persona][1]
