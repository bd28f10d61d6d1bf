"""App config for transport."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransportConfig(AppConfig):
    name = "tonle.transport"
    label = "transport"
    verbose_name = _("Tuk-tuk transport")

    def ready(self) -> None:
        from tonle.collect.registry import applier_register
        from tonle.people.merging import merge_step_register, records_merge_step
        from tonle.people.timeline import register_timeline_source
        from tonle.transport.appliers import TRIP
        from tonle.transport.models import Trip
        from tonle.transport.selectors import trip_timeline

        register_timeline_source(trip_timeline)
        merge_step_register(records_merge_step(name="trip", label=_("Tuk-tuk trips"), model=Trip))
        applier_register(TRIP)
