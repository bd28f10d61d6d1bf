"""Outcomes: milestones with evidence for the project's women, stories with consent, change per woman."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tonle.outcomes.models import AssessmentStage, Milestone, MilestoneKind
from tonle.outcomes.services import assessment_record, milestone_record, story_write


def test_a_milestone_for_a_person_of_another_project_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        milestone_record(
            by=world.officer_a, participant=world.woman_b, project=world.project_a,
            kind=MilestoneKind.VILLAGE_CHIEF, date=dt.date(2023, 6, 1), evidence="Commune decision 12/2023",
        )  # fmt: skip
    assert "participant" in refused.value.message_dict
    assert not Milestone.objects.exists()


def test_a_milestone_from_the_page_names_the_field_in_khmer(client, world, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    client.force_login(world.officer_a)
    response = client.post(
        reverse("outcomes-milestone-new", args=[world.woman_a.pk]),
        {
            "project": world.project_a.pk,
            "kind": "village_chief",
            "date": "2023-06-01",
            "evidence": " ",
        },
    )
    assert response.status_code == 200
    assert "evidence" in response.context["form"].errors


def _picture() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    return SimpleUploadedFile("her.png", buffer.getvalue(), content_type="image/png")


def test_a_story_keeps_its_photo_and_a_file_that_is_not_a_picture_is_refused(
    world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    fields = {"by": world.officer_a, "participant": world.woman_a, "project": world.project_a,
              "title": "From shy to village chief", "text": "…", "language": "km",
              "written_on": dt.date(2023, 12, 1), "consent_to_publish": True}  # fmt: skip
    story = story_write(**fields, photo=_picture())
    assert story.photo.name.endswith(".png")
    with pytest.raises(ValidationError) as refused:
        story_write(**fields, photo=SimpleUploadedFile("her.png", b"not a picture"))
    assert "photo" in refused.value.message_dict


def test_the_change_per_woman_between_her_two_assessments(client, world):
    for stage, confidence in ((AssessmentStage.PRE, 2), (AssessmentStage.POST, 4)):
        assessment_record(
            by=world.officer_a, participant=world.woman_a, project=world.project_a, stage=stage,
            date=dt.date(2023, 1 if stage == "pre" else 11, 1), confidence=confidence, knowledge=3,
        )  # fmt: skip
    client.force_login(world.officer_a)
    page = client.get(reverse("outcomes-project", args=[world.project_a.slug]))
    (change,) = page.context["changes"]
    assert (change.confidence_change, change.knowledge_change) == (2, 0)


def test_donors_see_outcome_counts_but_no_names(client, world):
    milestone_record(
        by=world.officer_a, participant=world.woman_a, project=world.project_a,
        kind=MilestoneKind.CCWC_MEMBER, date=dt.date(2023, 6, 1), evidence="Appointed by the commune",
    )  # fmt: skip
    for stage in (AssessmentStage.PRE, AssessmentStage.POST):
        assessment_record(
            by=world.officer_a, participant=world.woman_a, project=world.project_a, stage=stage,
            date=dt.date(2023, 6, 1), confidence=3 if stage == "pre" else 5, knowledge=3,
        )  # fmt: skip
    client.force_login(world.donor)
    page = client.get(reverse("outcomes-project", args=[world.project_a.slug]))
    # One woman is too few to show: she could be recognised (as on the framework page), nor
    # her row listed, nor the average of her change (it is her change).
    assert page.context["leaders"] is None
    assert page.context["counts"] == []
    assert (page.context["assessed"], page.context["confidence_gain"]) == (None, None)
    assert list(page.context["changes"]) == []
    assert "Chan Sophea" not in page.content.decode()


def test_a_smart_woman_sees_the_milestones_of_her_own_women_only(client, world):
    for woman in (world.woman_a, world.mentee):
        milestone_record(
            by=world.officer_a, participant=woman, project=world.project_a,
            kind=MilestoneKind.VILLAGE_CHIEF, date=dt.date(2023, 6, 1), evidence="Commune letter",
        )  # fmt: skip
    client.force_login(world.mentor)
    page = client.get(reverse("outcomes-project", args=[world.project_a.slug]))
    assert [m.participant for m in page.context["milestones"]] == [world.mentee]
    assert world.woman_a.name_latin not in page.content.decode()
