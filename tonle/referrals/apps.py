"""App config for referrals and services."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "tonle.referrals"
    label = "referrals"
    verbose_name = _("Referrals and services")

    def ready(self) -> None:
        from tonle.cases.supervision import supervision_source_register
        from tonle.collect.registry import applier_register
        from tonle.people.merging import merge_step_register, records_merge_step
        from tonle.people.timeline import register_timeline_source
        from tonle.referrals.appliers import REFERRAL
        from tonle.referrals.models import Referral, ServiceDelivery
        from tonle.referrals.selectors import overdue_supervision_section, referral_timeline

        register_timeline_source(referral_timeline)
        applier_register(REFERRAL)
        supervision_source_register(overdue_supervision_section)
        merge_step_register(
            records_merge_step(name="referral", label=_("Referrals"), model=Referral)
        )
        merge_step_register(
            records_merge_step(name="service", label=_("Services received"), model=ServiceDelivery)
        )
