"""Forms for referrals and services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tonle.lib.forms import DATE_INPUT, preselect_only_choice
from tonle.referrals.models import (
    NEXT_STEPS,
    Referral,
    ReferralStatus,
    ServiceDelivery,
    ServiceProvider,
)


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["project", "provider", "service", "reason", "sent_on", "consent_given",
                  "share_phone", "share_age", "share_village", "share_reason"]  # fmt: skip
        widgets = {"sent_on": DATE_INPUT, "reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["provider"].queryset = ServiceProvider.objects.select_related("commune")
        self.fields["sent_on"].initial = timezone.localdate()
        preselect_only_choice(self, "project")
        # Consent is checked by the service, so its refusal names the field in the page's language.
        self.fields["consent_given"].required = False


class ServiceForm(forms.ModelForm):
    class Meta:
        model = ServiceDelivery
        fields = ["project", "kind", "delivered_on", "provider", "note"]
        widgets = {"delivered_on": DATE_INPUT}

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["delivered_on"].initial = timezone.localdate()
        preselect_only_choice(self, "project")


class MoveForm(forms.Form):
    status = forms.ChoiceField(label=_("status"))
    on = forms.DateField(label=_("date"), widget=DATE_INPUT)
    note = forms.CharField(label=_("note"), required=False, max_length=300)

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = NEXT_STEPS[ReferralStatus(referral.status)]
        self.fields["status"].choices = [(s.value, s.label) for s in ReferralStatus if s in allowed]
        self.fields["on"].initial = timezone.localdate()
