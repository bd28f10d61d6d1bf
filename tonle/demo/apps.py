"""App config for the demo data."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tonle.demo"
    label = "demo"
    verbose_name = "Demo data"
