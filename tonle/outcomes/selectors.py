"""Reads for outcomes: the change each woman made between her two assessments, and her timeline."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from tonle.accounts.models import User
from tonle.outcomes.models import Assessment, AssessmentStage, Milestone, Story
from tonle.people.models import Participant
from tonle.people.selectors import participants_visible_to
from tonle.people.timeline import TimelineEntry
from tonle.programs.models import Project
from tonle.programs.selectors import projects_visible_to


@dataclass(frozen=True)
class Change:
    participant: Participant
    confidence_before: int
    confidence_after: int
    knowledge_before: int
    knowledge_after: int

    @property
    def confidence_change(self) -> int:
        return self.confidence_after - self.confidence_before

    @property
    def knowledge_change(self) -> int:
        return self.knowledge_after - self.knowledge_before


def assessment_changes(
    *, project: Project, people: QuerySet[Participant] | None = None
) -> list[Change]:
    """Each woman assessed before and after, with her change; those with one stage only are left out."""
    rows = Assessment.objects.filter(project=project).select_related("participant")
    if people is not None:
        rows = rows.filter(participant__in=people)
    by_person: dict[int, dict[str, Assessment]] = {}
    for row in rows:
        by_person.setdefault(row.participant_id, {})[row.stage] = row
    changes = []
    for stages in by_person.values():
        if AssessmentStage.PRE in stages and AssessmentStage.POST in stages:
            pre, post = stages[AssessmentStage.PRE], stages[AssessmentStage.POST]
            changes.append(
                Change(
                    participant=pre.participant,
                    confidence_before=pre.confidence,
                    confidence_after=post.confidence,
                    knowledge_before=pre.knowledge,
                    knowledge_after=post.knowledge,
                )
            )
    return sorted(changes, key=lambda c: (-c.confidence_change, c.participant.display_name))


def milestones_of(*, project: Project, user: User) -> QuerySet[Milestone]:
    """The project's milestones of the women in the user's scope (none by name for donors)."""
    return project.milestones.filter(
        participant__in=participants_visible_to(user=user).values("pk")
    ).select_related("participant__village")


def story_photo_visible(*, user: User, story: Story) -> bool:
    """Whoever may see the woman may see her story's photo; with her consent to publish, so may
    whoever may see the project (a donor reading the report). Same selectors as her records."""
    if participants_visible_to(user=user).filter(pk=story.participant_id).exists():
        return True
    return (
        story.consent_to_publish
        and projects_visible_to(user=user).filter(pk=story.project_id).exists()
    )


def outcome_timeline(participant: Participant, user: User) -> list[TimelineEntry]:
    milestones = [
        TimelineEntry(
            date=m.date, kind=_("Milestone"), title=m.get_kind_display(), detail=m.evidence
        )
        for m in Milestone.objects.filter(participant=participant)
    ]
    stories = [
        TimelineEntry(
            date=s.written_on,
            kind=_("Story of change"),
            title=s.title,
            url=reverse("outcomes-story-edit", args=[s.pk]) if user.may_edit_records else "",
        )
        for s in Story.objects.filter(participant=participant)
    ]
    return milestones + stories
