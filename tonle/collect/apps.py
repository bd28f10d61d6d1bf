"""App config for incoming data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectConfig(AppConfig):
    name = "tonle.collect"
    label = "collect"
    verbose_name = _("Incoming data")
