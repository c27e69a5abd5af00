from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """What every app needs and no app owns: request hygiene, small shared helpers."""

    name = "common"
    verbose_name = _("公共组件")
