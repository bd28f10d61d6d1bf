"""Forms for booking a trip and for paying a driver's month."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tonle.lib.forms import DATE_INPUT, preselect_only_choice
from tonle.referrals.models import ServiceProvider
from tonle.transport.models import Trip


class TripForm(forms.ModelForm):
    class Meta:
        model = Trip
        fields = ["contract", "date", "from_village", "to_provider", "referral", "distance_km"]
        widgets = {
            "date": DATE_INPUT,
            "distance_km": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
        }

    def __init__(
        self, *args: Any, contracts: Any, villages: Any, referrals: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        contract = self.fields["contract"]
        contract.queryset = contracts
        contract.label_from_instance = lambda c: (
            f"{c.driver.name} · {c.get_fare_rule_display()} {c.rate:,} ៛"
        )
        contract.error_messages = {
            **contract.error_messages,
            "required": _("Choose the driver's contract for the day of the trip."),
            "invalid_choice": _(
                "This contract does not run on the day of the trip: choose the driver's "
                "contract for that day."
            ),
        }
        if not contracts.exists():
            contract.help_text = _("No driver is under contract on this day.")
        self.fields["from_village"].queryset = villages
        self.fields["to_provider"].queryset = ServiceProvider.objects.all()
        self.fields["referral"].queryset = referrals
        self.fields["date"].initial = timezone.localdate()
        preselect_only_choice(self, "contract")


class PaidForm(forms.Form):
    paid_on = forms.DateField(label=_("paid on"), widget=DATE_INPUT)
