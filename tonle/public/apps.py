"""App config for the public site."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "tonle.public"
    verbose_name = _("Public site")
