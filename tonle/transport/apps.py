"""App config for transport."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransportConfig(AppConfig):
    name = "tonle.transport"
    label = "transport"
    verbose_name = _("Tuk-tuk transport")

    def ready(self) -> None:
        from tonle.collect.registry import applier_register
        from tonle.people.timeline import register_timeline_source
        from tonle.transport.appliers import TRIP
        from tonle.transport.selectors import trip_timeline

        register_timeline_source(trip_timeline)
        applier_register(TRIP)
