from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MassworkConfig(AppConfig):
    """群众工作: the 群众工作站 register (stations and the visits they handle)."""

    name = "masswork"
    verbose_name = _("群众工作")
