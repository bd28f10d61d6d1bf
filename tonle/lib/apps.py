"""App config for the shared helpers."""

from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "tonle.lib"
    label = "lib"
