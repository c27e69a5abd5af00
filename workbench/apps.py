from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    """The branch secretary's workbench and the member's 我的创先争优: read-only pages on top of every app."""

    name = "workbench"
    verbose_name = _("工作台")
