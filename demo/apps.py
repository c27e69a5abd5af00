from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The lived-in demo: built on top of every other app, through their services (``manage.py demo_campaign``)."""

    name = "demo"
    verbose_name = _("演示数据")
