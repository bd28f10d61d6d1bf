"""Reads for referrals: staff see their projects' referrals, a provider only those addressed to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, DateField, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tonle.accounts.guards import guarded_get
from tonle.accounts.models import AccessAction, Role, User
from tonle.accounts.services import access_log
from tonle.cases.supervision import SupervisionSection
from tonle.lib.expressions import DaysBetween
from tonle.people.models import Participant
from tonle.people.selectors import participants_visible_to, records_of_women_named
from tonle.people.timeline import TimelineEntry
from tonle.programs.models import Project
from tonle.programs.selectors import projects_visible_to
from tonle.referrals.models import (
    CLOSED_STATUSES,
    OVERDUE,
    Referral,
    ReferralStatus,
    ReferralStep,
    ServiceDelivery,
    ServiceProvider,
    Standing,
)


def referrals_visible_to(*, user: User) -> QuerySet[Referral]:
    """A provider: those addressed to her organisation; staff: their projects' women in their scope."""
    if not user.is_authenticated:
        return Referral.objects.none()
    if user.role == Role.PROVIDER:
        return Referral.objects.filter(provider__in=user.providers.values("pk"))
    if not user.may_edit_records:
        return Referral.objects.none()
    referrals = Referral.objects.filter(
        participant__in=participants_visible_to(user=user).values("pk")
    )
    if user.sees_every_project:
        return referrals
    return referrals.filter(project__in=projects_visible_to(user=user).values("id"))


def providers_of(*, user: User) -> list[ServiceProvider]:
    """The organisations a provider's account answers for (none for staff)."""
    if not user.is_authenticated or user.role != Role.PROVIDER:
        return []
    return list(user.providers.order_by("name_en"))


def referral_get_for_user(*, user: User, referral_id: int, path: str = "") -> Referral:
    """The only way to open a referral: the same 404 (logged) if missing or out of scope; every read logged."""
    referral = guarded_get(
        visible=referrals_with_standing(
            referrals=referrals_visible_to(user=user).select_related(
                "participant__village", "provider", "project"
            )
        ),
        record_type="referral",
        record_id=referral_id,
    )
    access_log(
        user=user,
        action=AccessAction.READ,
        record_type="referral",
        record_id=referral.pk,
        path=path,
    )
    return referral


def referral_steps(*, referral: Referral, user: User) -> list[ReferralStep]:
    """Its steps; a provider reads only the notes her own organisation wrote.

    Staff notes on a step are not covered by what the woman agreed to share, so a
    provider sees the step and who made it, never the staff's note.
    """
    steps = list(referral.steps.select_related("by"))
    if user.role == Role.PROVIDER:
        own = set(referral.provider.accounts.values_list("pk", flat=True))
        for step in steps:
            if step.by_id not in own:
                step.note = ""
    return steps


@dataclass(frozen=True)
class SharedReferral:
    """What a provider sees of a referral: her name, and only what she agreed to share."""

    referral: Referral
    name: str
    phone: str | None
    age: int | None
    village: str | None
    reason: str | None


def shared_with_provider(*, referral: Referral) -> SharedReferral:
    woman = referral.participant
    return SharedReferral(
        referral=referral,
        name=woman.display_name,
        phone=woman.phone if referral.share_phone else None,
        age=woman.age() if referral.share_age else None,
        village=woman.village.name if referral.share_village else None,
        reason=referral.reason if referral.share_reason else None,
    )


def referrals_with_standing(
    *, referrals: QuerySet[Referral], today: dt.date | None = None
) -> QuerySet[Referral]:
    """Each referral with where it stands today, worked out in the database so lists can be
    filtered and counted by it:

    - `waiting_since`: the day the step it waits on began (sent: the day it was sent;
      received: the day the provider received it); None once closed;
    - `days_waited`: the whole days from then to today;
    - `standing`: overdue when it waited longer than its project allows for that step
      (`referral_receive_days` to be received, `referral_resolve_days` to be resolved once
      received), closed after a final step, else open.
    """
    received_on = Subquery(
        ReferralStep.objects.filter(referral=OuterRef("pk"), status=ReferralStatus.RECEIVED)
        .order_by("on", "id")
        .values("on")[:1]
    )
    return (
        referrals.annotate(
            waiting_since=Case(
                When(status=ReferralStatus.SENT, then=F("sent_on")),
                # A referral moved on without a step of its own (an import) waits since it was sent.
                When(status=ReferralStatus.RECEIVED, then=Coalesce(received_on, F("sent_on"))),
                default=None,
                output_field=DateField(),
            )
        )
        .annotate(days_waited=DaysBetween(Value(today or timezone.localdate()), F("waiting_since")))
        .annotate(
            standing=Case(
                When(status__in=CLOSED_STATUSES, then=Value(Standing.CLOSED.value)),
                When(
                    status=ReferralStatus.SENT,
                    days_waited__gt=F("project__referral_receive_days"),
                    then=Value(Standing.NOT_RECEIVED.value),
                ),
                When(
                    status=ReferralStatus.RECEIVED,
                    days_waited__gt=F("project__referral_resolve_days"),
                    then=Value(Standing.NOT_RESOLVED.value),
                ),
                default=Value(Standing.OPEN.value),
            )
        )
    )


def referral_list(
    *,
    user: User,
    status: str = "",
    text: str = "",
    provider_id: int | None = None,
    overdue: bool = False,
    today: dt.date | None = None,
) -> QuerySet[Referral]:
    """The user's referrals with where each stands, newest first; `text` is part of the
    woman's name, in Khmer script or Latin letters, matched as the people search matches it."""
    referrals = referrals_with_standing(
        referrals=referrals_visible_to(user=user).select_related(
            "participant__village", "provider"
        ),
        today=today,
    )
    if status:
        referrals = referrals.filter(status=status)
    if provider_id:
        referrals = referrals.filter(provider_id=provider_id)
    if overdue:
        referrals = referrals.filter(standing__in=OVERDUE)  # type: ignore[misc]  # annotated
    referrals = records_of_women_named(records=referrals, text=text)
    return referrals.order_by("-sent_on", "-id")


def referral_providers(*, user: User) -> QuerySet[ServiceProvider]:
    """The providers the user's referrals are addressed to: the choices of the list's filter."""
    return ServiceProvider.objects.filter(
        pk__in=referrals_visible_to(user=user).values("provider_id")
    )


def referrals_overdue(*, user: User, today: dt.date | None = None) -> QuerySet[Referral]:
    """The overdue referrals in the user's scope, the longest waiting first."""
    return referral_list(user=user, overdue=True, today=today).order_by("waiting_since", "id")  # type: ignore[misc]


def referrals_overdue_in_team(*, user: User, today: dt.date | None = None) -> QuerySet[Referral]:
    """What a supervisor follows up: the overdue referrals she or those she supervises made
    (a manager: every overdue referral)."""
    overdue = referrals_overdue(user=user, today=today).select_related("referred_by")
    if user.sees_every_project:
        return overdue
    team = [user.pk, *User.objects.filter(supervisor=user).values_list("id", flat=True)]
    return overdue.filter(referred_by_id__in=team)


def overdue_supervision_section(user: User, rows: int) -> SupervisionSection:
    """The supervision page's section of the team's overdue referrals."""
    overdue = referrals_overdue_in_team(user=user)
    return SupervisionSection(
        code="referrals-overdue",
        title=_("Referrals overdue"),
        total=overdue.count(),
        rows=list(overdue[:rows]),
        template="referrals/includes/overdue_rows.html",
        url=f"{reverse('referrals-list')}?overdue=1",
    )


@dataclass(frozen=True)
class ReferralCounts:
    """Referrals by where they stand; the three add up to every referral counted."""

    closed: int
    overdue: int
    open: int


def referral_counts(*, project: Project, today: dt.date | None = None) -> ReferralCounts:
    """A project's referrals closed, overdue and open (in time), counted in one query: an
    aggregate for its dashboard, which the caller discloses as the reader may see it."""
    referrals = Referral.objects.filter(project=project)
    counts = referrals_with_standing(referrals=referrals, today=today).aggregate(
        closed=Count("pk", filter=Q(standing=Standing.CLOSED)),
        overdue=Count("pk", filter=Q(standing__in=OVERDUE)),
        open=Count("pk", filter=Q(standing=Standing.OPEN)),
    )
    return ReferralCounts(**counts)


def services_visible_to(*, user: User) -> QuerySet[ServiceDelivery]:
    return ServiceDelivery.objects.filter(
        participant__in=participants_visible_to(user=user).values("id")
    )


def referral_timeline(participant: Participant, user: User) -> list[TimelineEntry]:
    entries = []
    for referral in referrals_with_standing(
        referrals=referrals_visible_to(user=user)
        .filter(participant=participant)
        .select_related("provider")
    ):
        entries.append(
            TimelineEntry(
                date=referral.sent_on,
                kind=_("Referral"),
                title=f"{referral.get_service_display()} → {referral.provider.name}",
                detail=referral.standing_text,
                url=reverse("referrals-detail", args=[referral.pk]),
            )
        )
    for service in (
        services_visible_to(user=user).filter(participant=participant).select_related("provider")
    ):
        entries.append(
            TimelineEntry(
                date=service.delivered_on,
                kind=_("Service received"),
                title=service.get_kind_display(),
                detail=service.provider.name if service.provider else "",
            )
        )
    return entries
