"""Writes for outcomes: each is about a woman of the project, with its evidence or her consent."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tonle.accounts.models import User
from tonle.lib.images import image_clean
from tonle.lib.models import recorded_by
from tonle.lib.sitecache import public_pages_changed
from tonle.outcomes.models import Assessment, Milestone, MilestoneKind, Story
from tonle.people.models import Participant
from tonle.programs.models import Project
from tonle.programs.selectors import project_serves


def _check_common(
    *, participant: Participant, project: Project, date: dt.date, field: str
) -> dict[str, str]:
    errors = {}
    if not project_serves(project=project, participant=participant):
        errors["participant"] = _("She does not live in one of this project's communities.")
    if date > timezone.localdate():
        errors[field] = _("The date cannot be in the future.")
    return errors


def milestone_record(
    *, by: User, participant: Participant, project: Project, kind: str, date: dt.date, evidence: str
) -> Milestone:
    errors = _check_common(participant=participant, project=project, date=date, field="date")
    if not evidence.strip():
        errors["evidence"] = _("Say how we know: a decision, a letter, a witness.")
    if errors:
        raise ValidationError(errors)
    milestone = Milestone(
        participant=participant, project=project, kind=MilestoneKind(kind), date=date,
        evidence=evidence.strip(), recorded_by=by,
    )  # fmt: skip
    recorded_by(milestone, user=by)
    with transaction.atomic():
        milestone.save()
    return milestone


def story_write(
    *,
    by: User,
    participant: Participant,
    project: Project,
    title: str,
    text: str,
    language: str,
    written_on: dt.date,
    consent_to_publish: bool = False,
    consent_to_name: bool = False,
    consent_to_photo: bool = False,
    photo: UploadedFile | None = None,
    title_km: str = "",
    text_km: str = "",
    story: Story | None = None,
) -> Story:
    """Write her story, or (given `story`) change it: e.g. add its Khmer text to an English one."""
    errors = _check_common(
        participant=participant, project=project, date=written_on, field="written_on"
    )
    if errors:
        raise ValidationError(errors)
    try:
        # Her photo is kept without its EXIF: a phone writes where it was taken.
        cleaned = image_clean(upload=photo) if isinstance(photo, UploadedFile) else None
    except ValidationError as refused:
        raise ValidationError({"photo": refused.messages}) from refused
    fields = {
        "participant": participant, "project": project, "title": title.strip(), "text": text.strip(),
        "language": language, "title_km": title_km.strip(), "text_km": text_km.strip(),
        "written_on": written_on, "consent_to_publish": consent_to_publish,
        "consent_to_name": consent_to_name, "consent_to_photo": consent_to_photo,
    }  # fmt: skip
    if story is None:
        story = Story(written_by=by)
    for name, value in fields.items():
        setattr(story, name, value)
    if cleaned:
        story.photo = cleaned
    recorded_by(story, user=by)
    with transaction.atomic():
        story.save()
        # Her consent may have changed: the public site reads it again at once.
        public_pages_changed()
    return story


def assessment_record(
    *,
    by: User,
    participant: Participant,
    project: Project,
    stage: str,
    date: dt.date,
    confidence: int,
    knowledge: int,
) -> Assessment:
    errors = _check_common(participant=participant, project=project, date=date, field="date")
    for name, score in (("confidence", confidence), ("knowledge", knowledge)):
        if not 1 <= score <= 5:
            errors[name] = _("A score is from 1 to 5.")
    if Assessment.objects.filter(participant=participant, project=project, stage=stage).exists():
        errors["stage"] = _("She already has this assessment in this project.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return Assessment.objects.create(
            participant=participant, project=project, stage=stage, date=date,
            confidence=confidence, knowledge=knowledge, assessed_by=by,
        )  # fmt: skip


def assessments_clashing_in_merge(*, survivor: Participant, merged: Participant) -> QuerySet:
    """The merged woman's assessments of a project and stage the survivor was also assessed
    at (one a stage): the survivor's stays, the other is removed by the merge (undo puts it back)."""
    theirs = Assessment.objects.filter(
        participant=survivor, project=OuterRef("project"), stage=OuterRef("stage")
    )
    return Assessment.objects.filter(participant=merged).filter(Exists(theirs))
