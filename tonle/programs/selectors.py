"""Reads for programs, always scoped to the projects the user works on."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from tonle.accounts.guards import guarded_get
from tonle.accounts.models import User
from tonle.people.models import Participant
from tonle.people.selectors import participants_visible_to
from tonle.people.timeline import TimelineEntry
from tonle.programs.models import Activity, Attendance, Project


def projects_visible_to(*, user: User) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    if user.sees_every_project:
        return Project.objects.all()
    return Project.objects.filter(memberships__user=user)


def projects_of_user(user: User) -> QuerySet[Project]:
    """The projects phone forms are uploaded for and listed by (the collect app's source)."""
    return projects_visible_to(user=user).order_by("name_en")


def project_get_for_user(*, user: User, slug: str) -> Project:
    return guarded_get(
        visible=projects_visible_to(user=user).select_related("organisation"),
        record_type="project",
        record_id=slug,
        slug=slug,
    )


def activities_visible_to(*, user: User) -> QuerySet[Activity]:
    if not user.is_authenticated or not user.may_edit_records:
        return Activity.objects.none()
    activities = Activity.objects.all()
    if not user.sees_every_project:
        activities = activities.filter(project__in=projects_visible_to(user=user).values("id"))
    return activities


def activity_list(
    *, user: User, project: Project | None = None, on: dt.date | None = None, text: str = ""
) -> QuerySet[Activity]:
    activities = activities_visible_to(user=user)
    if project is not None:
        activities = activities.filter(project=project)
    if on is not None:
        activities = activities.filter(date=on)
    if text:
        activities = activities.filter(Q(name_en__icontains=text) | Q(name_km__icontains=text))
    # An annotated query drops the model's ordering, so it is said again: newest first.
    return (
        activities.select_related("project", "component", "activity_type", "topic", "village")
        .annotate(attendance_count=Count("attendances"))
        .order_by("-date", "-id")
    )


def activity_get_for_user(*, user: User, activity_id: int) -> Activity:
    return guarded_get(
        visible=activities_visible_to(user=user).select_related(
            "project", "component", "activity_type", "topic", "village__commune__district"
        ),
        record_type="activity",
        record_id=activity_id,
    )


def activity_attendees(*, activity: Activity, user: User) -> QuerySet[Participant]:
    """Those present, as far as the user may see them (an attendee from outside her scope is left out)."""
    return (
        participants_visible_to(user=user)
        .filter(attendances__activity=activity)
        .select_related("village")
        .order_by("-attendances__recorded_at", "-attendances__id")
    )


def attendance_timeline(participant: Participant, user: User) -> list[TimelineEntry]:
    attendances = Attendance.objects.filter(participant=participant).select_related(
        "activity__activity_type", "activity__topic", "activity__component", "activity__village"
    )
    attended_ids = [a.activity_id for a in attendances]
    visible = set(
        activities_visible_to(user=user).filter(id__in=attended_ids).values_list("id", flat=True)
    )
    return [
        TimelineEntry(
            date=a.activity.date,
            kind=a.activity.activity_type.name,
            title=a.activity.title,
            detail=" · ".join(
                part
                for part in (
                    a.activity.topic.name if a.activity.topic else "",
                    a.activity.component.name,
                    a.activity.village.name,
                )
                if part
            ),
            url=reverse("programs-activity", args=[a.activity_id])
            if a.activity_id in visible
            else "",
        )
        for a in attendances
    ]


def project_serves(*, project: Project, participant: Participant) -> bool:
    """Whether she is one of the project's people: she lives in one of its communities."""
    return project.communities.filter(pk=participant.village_id).exists()


def project_staff(*, project: Project, user: User) -> bool:
    """Whether the user works on the project (managers work on every project)."""
    return user.sees_every_project or project.memberships.filter(user=user).exists()
