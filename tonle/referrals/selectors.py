"""Reads for referrals: staff see their projects' referrals, a provider only those addressed to it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from tonle.accounts.guards import guarded_get
from tonle.accounts.models import AccessAction, Role, User
from tonle.accounts.services import access_log
from tonle.people.models import Participant
from tonle.people.selectors import participants_named, participants_visible_to
from tonle.people.timeline import TimelineEntry
from tonle.programs.selectors import projects_visible_to
from tonle.referrals.models import Referral, ReferralStep, ServiceDelivery, ServiceProvider


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


def referral_get_for_user(*, user: User, referral_id: int, path: str = "") -> Referral:
    """The only way to open a referral: the same 404 (logged) if missing or out of scope; every read logged."""
    referral = guarded_get(
        visible=referrals_visible_to(user=user).select_related(
            "participant__village", "provider", "project"
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


def referral_list(
    *, user: User, status: str = "", text: str = "", provider_id: int | None = None
) -> QuerySet[Referral]:
    """The user's referrals, newest first; `text` is part of the woman's name, in Khmer
    script or Latin letters, matched as the people search matches it."""
    referrals = referrals_visible_to(user=user).select_related("participant__village", "provider")
    if status:
        referrals = referrals.filter(status=status)
    if provider_id:
        referrals = referrals.filter(provider_id=provider_id)
    if text.strip():
        # Within the referrals' own scope: a provider finds the women referred to her.
        named = participants_named(people=Participant.objects.all(), text=text)
        referrals = referrals.filter(participant__in=named.values("pk"))
    return referrals.order_by("-sent_on", "-id")


def referral_providers(*, user: User) -> QuerySet[ServiceProvider]:
    """The providers the user's referrals are addressed to: the choices of the list's filter."""
    return ServiceProvider.objects.filter(
        pk__in=referrals_visible_to(user=user).values("provider_id")
    )


def services_visible_to(*, user: User) -> QuerySet[ServiceDelivery]:
    return ServiceDelivery.objects.filter(
        participant__in=participants_visible_to(user=user).values("id")
    )


def referral_timeline(participant: Participant, user: User) -> list[TimelineEntry]:
    entries = []
    for referral in (
        referrals_visible_to(user=user).filter(participant=participant).select_related("provider")
    ):
        entries.append(
            TimelineEntry(
                date=referral.sent_on,
                kind=_("Referral"),
                title=f"{referral.get_service_display()} → {referral.provider.name}",
                detail=referral.get_status_display(),
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
