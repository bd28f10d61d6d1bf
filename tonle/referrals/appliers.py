"""How a phone form records a referral of the woman it is about, with her consent."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tonle.collect.applying import Answers
from tonle.collect.registry import Applier, TargetField
from tonle.programs.models import Project
from tonle.referrals.models import ServiceKind, ServiceProvider
from tonle.referrals.services import referral_make


def _apply(answers: Answers) -> list[Model]:
    woman = answers.woman()
    provider = answers.pick("provider", ServiceProvider.objects.all())
    service = answers.required("service")
    if service and service not in ServiceKind.values:
        answers.fail("service", _("“%(value)s” is not a service Tonle knows.") % {"value": service})
    sent_on = answers.date("sent_on")
    # No answer is no: consent is never assumed.
    consent = answers.boolean("consent_given")
    shares = {name: answers.boolean(name) for name in
              ("share_phone", "share_age", "share_village", "share_reason")}  # fmt: skip
    if woman is None or provider is None or sent_on is None or answers.errors:
        return []
    try:
        return [referral_make(
            by=answers.user, participant=woman, project=Project.objects.get(pk=answers.project_id),
            provider=provider, service=service, reason=answers.text("reason"),
            consent_given=consent, sent_on=sent_on, **shares,
        )]  # fmt: skip
    except ValidationError as invalid:
        answers.refused(invalid, {"consent_given": "consent_given", "sent_on": "sent_on",
                                  "reason": "reason", "participant": "provider",
                                  "": "provider"})  # fmt: skip
        return []


REFERRAL = Applier(
    kind="referrals.referral",
    label=gettext_lazy("A referral of the woman, with her consent"),
    fields=(
        TargetField("provider", gettext_lazy("service provider (id)"), ("provider", "provider_id")),
        TargetField("service", gettext_lazy("service"), ("service", "service_kind")),
        TargetField("reason", gettext_lazy("reason"), ("reason", "why")),
        TargetField(
            "sent_on", gettext_lazy("date sent"), ("sent_on", "referral_date", "date", "today")
        ),
        TargetField("consent_given", gettext_lazy("she consents"), ("consent", "consent_given")),
        TargetField("share_phone", gettext_lazy("share her phone"), ("share_phone",)),
        TargetField("share_age", gettext_lazy("share her age"), ("share_age",)),
        TargetField("share_village", gettext_lazy("share her village"), ("share_village",)),
        TargetField("share_reason", gettext_lazy("share the reason"), ("share_reason",)),
    ),
    apply=_apply,
    order=30,
)
