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
        from tonle.people.timeline import register_timeline_source
        from tonle.referrals.appliers import REFERRAL
        from tonle.referrals.selectors import overdue_supervision_section, referral_timeline

        register_timeline_source(referral_timeline)
        applier_register(REFERRAL)
        supervision_source_register(overdue_supervision_section)
