"""A story of change is written in English or Khmer, and can carry its Khmer text beside the English."""

import datetime as dt

from django.urls import reverse


def test_the_story_form_takes_her_story_in_khmer(client, world):
    client.force_login(world.officer_a)
    url = reverse("outcomes-story-new", args=[world.woman_a.pk])
    assert "text_km" in client.get(url).context["form"].fields

    client.post(url, {"project": world.project_a.pk, "title": "Her shop", "text": "She started a shop.",
                      "language": "en", "title_km": "ហាងរបស់នាង", "text_km": "នាងបានបើកហាងមួយ។",
                      "written_on": "2023-06-01", "consent_to_publish": "on"})  # fmt: skip

    story = world.woman_a.stories.get()
    assert (story.title_km, story.text_km) == ("ហាងរបស់នាង", "នាងបានបើកហាងមួយ។")


def test_a_story_tells_itself_in_khmer_when_it_can_else_says_it_falls_back(world):
    from tonle.outcomes.models import Story

    english = Story(title="Her shop", text="She started a shop.", language="en")
    khmer = Story(title="ហាងរបស់នាង", text="នាងបានបើកហាងមួយ។", language="km")
    both = Story(title="Her shop", text="She started a shop.", language="en",
                 title_km="ហាងរបស់នាង", text_km="នាងបានបើកហាងមួយ។")  # fmt: skip

    assert english.told_in("km") == ("Her shop", "She started a shop.", True)
    assert khmer.told_in("km") == ("ហាងរបស់នាង", "នាងបានបើកហាងមួយ។", False)
    assert both.told_in("km") == ("ហាងរបស់នាង", "នាងបានបើកហាងមួយ។", False)
    assert both.told_in("en") == ("Her shop", "She started a shop.", False)


def test_an_english_story_gets_its_khmer_text_from_her_page(client, world):
    from tonle.outcomes.services import story_write

    story = story_write(by=world.officer_a, participant=world.woman_a, project=world.project_a,
                        title="Her shop", text="She started a shop.", language="en",
                        written_on=dt.date(2023, 6, 1), consent_to_publish=True)  # fmt: skip
    client.force_login(world.officer_a)
    edit = reverse("outcomes-story-edit", args=[story.pk])
    person = client.get(reverse("people-detail", args=[world.woman_a.pk])).content.decode()
    assert f'href="{edit}"' in person

    response = client.post(edit, {"project": world.project_a.pk, "title": "Her shop",
                                  "text": "She started a shop.", "language": "en",
                                  "title_km": "ហាងរបស់នាង", "text_km": "នាងបានបើកហាងមួយ។",
                                  "written_on": "2023-06-01", "consent_to_publish": "on"})  # fmt: skip

    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.title, story.text_km, story.written_by) == (
        "Her shop", "នាងបានបើកហាងមួយ។", world.officer_a,
    )  # fmt: skip
    client.force_login(world.officer_b)  # her village is not in officer B's project
    assert client.get(edit).status_code in {403, 404}
