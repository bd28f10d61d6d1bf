"""Reads for programs, always scoped to the projects the user works on."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from tonle.accounts.models import User
from tonle.people.models import Participant
from tonle.people.timeline import TimelineEntry
from tonle.programs.models import Activity, Attendance, Project


def projects_visible_to(*, user: User) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    if user.sees_every_project:
        return Project.objects.all()
    return Project.objects.filter(memberships__user=user)


def project_get_for_user(*, user: User, slug: str) -> Project:
    try:
        project = Project.objects.select_related("organisation").get(slug=slug)
    except Project.DoesNotExist as missing:
        raise Http404 from missing
    if not projects_visible_to(user=user).filter(pk=project.pk).exists():
        raise PermissionDenied
    return project


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
    try:
        activity = Activity.objects.select_related(
            "project", "component", "activity_type", "topic", "village__commune__district"
        ).get(pk=activity_id)
    except Activity.DoesNotExist as missing:
        raise Http404 from missing
    if not activities_visible_to(user=user).filter(pk=activity.pk).exists():
        raise PermissionDenied
    return activity


def activity_attendees(*, activity: Activity) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(attendances__activity=activity)
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
