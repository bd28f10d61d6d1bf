"""Writes for referrals: made only with consent, moved one step at a time, services recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tonle.accounts.models import Role, User
from tonle.lib.models import recorded_by
from tonle.people.models import Participant
from tonle.people.services import participant_update
from tonle.programs.models import Project
from tonle.programs.selectors import project_serves
from tonle.referrals.models import (
    NEXT_STEPS,
    Referral,
    ReferralStatus,
    ReferralStep,
    ServiceDelivery,
    ServiceKind,
    ServiceProvider,
)


def provider_check(*, accounts: Iterable[User]) -> None:
    """Only a service provider's account may read a provider's inbox: a staff member's
    would see each woman's referral twice over, and a donor's would see names."""
    others = [user.username for user in accounts if user.role != Role.PROVIDER]
    if others:
        raise ValidationError(
            {"accounts": _("Only a service provider's account may read its referrals: %(names)s.")
             % {"names": ", ".join(others)}}
        )  # fmt: skip


def provider_save(
    *, by: User | None, provider: ServiceProvider, accounts: Iterable[User] | None = None
) -> ServiceProvider:
    """Add or change a service provider and, when given, the accounts that read its referrals."""
    provider.full_clean()
    if accounts is not None:
        accounts = list(accounts)
        provider_check(accounts=accounts)
    recorded_by(provider, user=by)
    with transaction.atomic():
        provider.save()
        if accounts is not None:
            provider.accounts.set(accounts)
    return provider


def referral_make(
    *,
    by: User,
    participant: Participant,
    project: Project,
    provider: ServiceProvider,
    service: str,
    reason: str,
    consent_given: bool,
    sent_on: dt.date,
    consent_date: dt.date | None = None,
    share_phone: bool = False,
    share_age: bool = False,
    share_village: bool = False,
    share_reason: bool = False,
) -> Referral:
    """Send her to a provider. Without her consent nothing is recorded and nothing shared."""
    errors: dict[str, str] = {}
    if not consent_given:
        errors["consent_given"] = _(
            "She has not consented: nothing can be shared with the provider."
        )
    if not project_serves(project=project, participant=participant):
        errors["participant"] = _("She does not live in one of this project's communities.")
    if sent_on > timezone.localdate():
        errors["sent_on"] = _("A referral cannot be sent in the future.")
    if not reason.strip():
        errors["reason"] = _("Say why she is referred.")
    if errors:
        raise ValidationError(errors)
    referral = Referral(
        participant=participant, project=project, provider=provider, service=ServiceKind(service),
        reason=reason.strip(), consent_given=True, consent_date=consent_date or sent_on,
        share_phone=share_phone, share_age=share_age, share_village=share_village,
        share_reason=share_reason, sent_on=sent_on, referred_by=by,
    )  # fmt: skip
    recorded_by(referral, user=by)
    with transaction.atomic():
        referral.save()
        ReferralStep.objects.create(
            referral=referral, status=ReferralStatus.SENT, on=sent_on, by=by
        )
    return referral


def referral_move(
    *, by: User, referral: Referral, status: str, on: dt.date, note: str = ""
) -> Referral:
    """Move the referral on (received, service given, declined, did not come).

    The referral's row is locked and its status read again under the lock, so two people
    moving it at once (two "given" from two phones) cannot both pass: the second is refused
    as any step that no longer follows, and its steps and status always agree.
    """
    if not (by.may_edit_records or referral.provider.accounts.filter(pk=by.pk).exists()):
        raise PermissionDenied
    if on < referral.sent_on or on > timezone.localdate():
        raise ValidationError({"on": _("The date must be between the day it was sent and today.")})
    with transaction.atomic():
        current = Referral.objects.select_for_update().get(pk=referral.pk)
        if status not in NEXT_STEPS[ReferralStatus(current.status)]:
            raise ValidationError(
                {"status": _("A referral that is “%(now)s” cannot become “%(next)s”.")
                 % {"now": current.get_status_display(), "next": ReferralStatus(status).label}}
            )  # fmt: skip
        referral.status = current.status = status
        recorded_by(current, user=by)
        current.save(update_fields=["status"])
        ReferralStep.objects.create(referral=current, status=status, on=on, by=by, note=note[:300])
        if status == ReferralStatus.GIVEN:
            service_record(
                by=by, participant=current.participant, project=current.project, kind=current.service,
                delivered_on=on, provider=current.provider, referral=current,
            )  # fmt: skip
    return referral


def service_record(
    *,
    by: User,
    participant: Participant,
    project: Project,
    kind: str,
    delivered_on: dt.date,
    provider: ServiceProvider | None = None,
    referral: Referral | None = None,
    note: str = "",
) -> ServiceDelivery:
    """A service she received, with or without a referral. An ID card also updates her record."""
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("A service cannot be delivered in the future.")})
    if not project_serves(project=project, participant=participant):
        raise ValidationError(
            {"participant": _("She does not live in one of this project's communities.")}
        )
    delivery = ServiceDelivery(
        participant=participant, project=project, kind=ServiceKind(kind), delivered_on=delivered_on,
        provider=provider, referral=referral, recorded_by=by, note=note,
    )  # fmt: skip
    recorded_by(delivery, user=by)
    with transaction.atomic():
        delivery.save()
        if kind == ServiceKind.NATIONAL_ID and not participant.has_national_id:
            participant_update(participant=participant, by=by, has_national_id=True)
    return delivery
