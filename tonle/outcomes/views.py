"""Pages for outcomes: record a milestone, a story or an assessment; a project's outcomes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tonle.accounts.decorators import editor_required
from tonle.accounts.guards import guarded_get
from tonle.accounts.media import media_response
from tonle.lib.paging import page_of
from tonle.lib.suppression import suppressed, too_small
from tonle.outcomes.forms import AssessmentForm, MilestoneForm, StoryForm
from tonle.outcomes.models import LEADERSHIP, MilestoneKind, Story
from tonle.outcomes.selectors import assessment_changes, milestones_of, story_photo_visible
from tonle.outcomes.services import assessment_record, milestone_record, story_write
from tonle.people.recording import record_for_person
from tonle.people.selectors import participants_visible_to
from tonle.programs.selectors import project_get_for_user, projects_visible_to


def _record(
    request: HttpRequest,
    participant_id: int,
    form_class: type[ModelForm],
    service: Callable,
    heading: str,
) -> HttpResponse:
    return record_for_person(
        request,
        participant_id=participant_id,
        form_for=lambda person: form_class(
            request.POST or None,
            request.FILES or None,
            projects=projects_visible_to(user=request.user),
        ),
        save=lambda person, data: service(by=request.user, participant=person, **data),
        heading=heading,
    )


@require_http_methods(["GET", "POST"])
@editor_required
def milestone_new(request: HttpRequest, participant_id: int) -> HttpResponse:
    return _record(
        request, participant_id, MilestoneForm, milestone_record, _("Record a milestone")
    )


@require_http_methods(["GET", "POST"])
@editor_required
def story_new(request: HttpRequest, participant_id: int) -> HttpResponse:
    return _record(request, participant_id, StoryForm, story_write, _("Write her story of change"))


@require_http_methods(["GET", "POST"])
@editor_required
def story_edit(request: HttpRequest, story_id: int) -> HttpResponse:
    """Change her story: its Khmer text for the Khmer report, above all."""
    story = guarded_get(
        visible=Story.objects.filter(
            participant__in=participants_visible_to(user=request.user).values("pk")
        ),
        record_type="story",
        record_id=story_id,
    )
    return record_for_person(
        request,
        participant_id=story.participant_id,
        form_for=lambda person: StoryForm(
            request.POST or None,
            request.FILES or None,
            instance=story,
            projects=projects_visible_to(user=request.user),
        ),
        save=lambda person, data: story_write(
            by=request.user, participant=person, story=story, **data
        ),
        heading=_("Her story of change"),
    )


@require_http_methods(["GET", "POST"])
@editor_required
def assessment_new(request: HttpRequest, participant_id: int) -> HttpResponse:
    return _record(
        request, participant_id, AssessmentForm, assessment_record, _("Record an assessment")
    )


@require_GET
@login_required
def story_photo(request: HttpRequest, story_id: int) -> HttpResponse:
    """Her story's photo: to those who may see her, and, when she consented to publish it, to
    those who may see the project (a donor reads the published story)."""
    story = Story.objects.select_related("project").filter(pk=story_id).first()
    return media_response(
        request,
        name=story.photo.name if story else "",
        allowed=story is not None and story_photo_visible(user=request.user, story=story),
        record_type="story-photo",
        record_id=story_id,
    )


@require_GET
@login_required
def project_outcomes(request: HttpRequest, slug: str) -> HttpResponse:
    """Names for those who may see them; counts and averages only for donors."""
    project = project_get_for_user(user=request.user, slug=slug)
    milestones = page_of(
        request, milestones_of(project=project, user=request.user), param="milestones",
        anchor="milestones",
    )  # fmt: skip
    counts = Counter(project.milestones.values_list("kind", flat=True))
    # The averages are the project's, whoever reads them; the list of names is the reader's.
    changes = assessment_changes(project=project)
    visible = set(
        participants_visible_to(user=request.user)
        .filter(pk__in=[c.participant.pk for c in changes])
        .values_list("pk", flat=True)
    )
    named = [c for c in changes if c.participant.pk in visible]
    leaders = sum(n for k, n in counts.items() if k in LEADERSHIP)
    rows = [(k, MilestoneKind(k).label, n) for k, n in counts.most_common()]
    assessed = len(changes)
    if not request.user.may_see_names:
        # Figures only, and none small enough to point at a woman, nor worked out from the
        # others (the leaders are the sum of their rows); averages of fewer than 5 neither.
        values = {"leaders": leaders, **{k: n for k, _label, n in rows}}
        leading = ["leaders", *(k for k, _label, _n in rows if k in LEADERSHIP)]
        hidden = suppressed(values, [leading, [None, *(k for k, _label, _n in rows)]])
        rows = [row for row in rows if row[0] not in hidden]  # a row alone says who is there
        leaders = None if "leaders" in hidden else leaders
        if too_small(assessed):
            assessed, changes = None, []
    return render(
        request,
        "outcomes/project.html",
        {
            "project": project,
            "milestones": milestones,
            "counts": [(label, n) for _kind, label, n in rows],
            "leaders": leaders,
            "changes": page_of(request, named, param="changes", anchor="changes"),
            "assessed": assessed,
            "confidence_gain": sum(c.confidence_change for c in changes) / len(changes)
            if changes
            else None,
            "knowledge_gain": sum(c.knowledge_change for c in changes) / len(changes)
            if changes
            else None,
        },
    )
