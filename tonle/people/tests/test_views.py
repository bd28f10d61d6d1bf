"""The registry's pages: search in either script, a person's page, and who may open what."""

from django.urls import reverse

from tonle.people.models import Participant
from tonle.people.tests.factories import ParticipantFactory


def _login(client, user):
    client.force_login(user)
    return client


def test_search_finds_a_woman_by_part_of_her_latin_name(client, world):
    response = _login(client, world.officer_a).get(reverse("people-list"), {"q": "sophe"})
    assert world.woman_a in response.context["people"]


def test_search_finds_a_woman_by_part_of_her_khmer_name_typed_in_another_order(client, world):
    ParticipantFactory(village=world.village_a, name_km="ស្រី ពៅ", name_latin="")
    # ស្រី with the vowel typed before the subscript, then ពៅ without the space.
    mistyped = "\u179f\u17b8\u17d2\u179a" + "ពៅ"
    response = _login(client, world.officer_a).get(reverse("people-list"), {"q": mistyped})
    assert [p.name_km for p in response.context["people"]] == ["ស្រី ពៅ"]


def test_search_finds_a_woman_by_phone_and_by_village(client, world):
    person = ParticipantFactory(village=world.village_a, phone="012 777 888")
    client = _login(client, world.officer_a)
    assert list(client.get(reverse("people-list"), {"q": "777 888"}).context["people"]) == [person]
    by_village = client.get(reverse("people-list"), {"village": world.village_a.pk}).context[
        "people"
    ]
    assert person in by_village and world.woman_b not in by_village


def test_field_officer_cannot_see_another_projects_people(client, world):
    client = _login(client, world.officer_a)
    found = client.get(reverse("people-list"), {"q": "keo"}).context["people"]
    assert world.woman_b not in found
    response = client.get(reverse("people-detail", args=[world.woman_b.pk]))
    assert response.status_code == 404


def test_donor_viewer_never_sees_a_name(client, world):
    client = _login(client, world.donor)
    assert client.get(reverse("people-list"), {"q": "chan"}).status_code == 403
    assert client.get(reverse("people-detail", args=[world.woman_a.pk])).status_code == 403
    assert client.get(reverse("groups-detail", args=[world.group_a.pk])).status_code == 403


def test_smart_woman_sees_her_group_and_no_one_else(client, world):
    client = _login(client, world.mentor)
    assert client.get(reverse("people-detail", args=[world.mentee.pk])).status_code == 200
    assert client.get(reverse("people-detail", args=[world.woman_a.pk])).status_code == 404
    assert client.get(reverse("people-create")).status_code == 403


def test_unknown_person_is_a_404_page_not_a_traceback(client, world):
    response = _login(client, world.admin).get(reverse("people-detail", args=[999999]))
    assert response.status_code == 404
    assert "This page does not exist" in response.content.decode()


def test_a_bad_form_shows_again_with_the_field_marked_and_nothing_lost(client, world):
    response = _login(client, world.officer_a).post(
        reverse("people-create"),
        {"name_km": "", "name_latin": "", "village": world.village_a.pk, "phone": "012 999 000",
         "birth_year": "1890", "sex": "F"},
    )  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"name_latin", "birth_year"}
    assert 'value="012 999 000"' in response.content.decode()
    assert not Participant.objects.filter(phone="012 999 000").exists()


def test_registering_someone_already_there_warns_before_saving(client, world):
    client = _login(client, world.officer_a)
    data = {"name_km": "ចាន់ សុភា", "name_latin": "Chan Sophea", "village": world.village_a.pk,
            "birth_year": "1990", "sex": "F", "consent_given": "on", "consent_date": "2023-01-01"}  # fmt: skip
    response = client.post(reverse("people-create"), data)
    assert response.status_code == 200
    assert [match.person for match in response.context["duplicates"]] == [world.woman_a]
    page = response.content.decode()
    assert "% likely the same woman" in page
    assert "Alike: the same name" in page and "the same village" in page
    assert Participant.objects.filter(name_latin="Chan Sophea").count() == 1

    confirmed = client.post(reverse("people-create"), {**data, "confirm_new": "on"})

    assert confirmed.status_code == 302
    assert Participant.objects.filter(name_latin="Chan Sophea").count() == 2


def test_person_page_shows_her_timeline_and_history(client, world):
    from tonle.programs.tests.factories import AttendanceFactory

    attendance = AttendanceFactory(activity__project=world.project_a, participant=world.woman_a)
    response = _login(client, world.officer_a).get(
        reverse("people-detail", args=[world.woman_a.pk])
    )
    titles = [entry.title for entry in response.context["timeline"]]
    assert attendance.activity.title in titles
    assert response.context["changes"]


def test_consent_starts_unticked_on_both_registration_forms(client, world):
    from tonle.programs.tests.factories import ActivityFactory

    client.force_login(world.officer_a)
    form = client.get(reverse("people-create")).context["form"]
    assert not form["consent_given"].value() and not form["consent_date"].value()
    activity = ActivityFactory(project=world.project_a)
    door = client.get(reverse("programs-activity", args=[activity.pk])).context["register_form"]
    assert not door["consent_given"].value()


def test_a_woman_saved_without_consent_is_recorded_without_it_and_the_page_says_so(client, world):
    client.force_login(world.officer_a)
    response = client.post(
        reverse("people-create"),
        {"name_latin": "Srey Pov", "village": world.village_a.pk, "sex": "F", "birth_year": 1990},
        follow=True,
    )
    person = response.context["person"]
    assert not person.consent_given and person.consent_recorded_by is None
    assert "saved without her consent" in response.content.decode()
