from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("考核评议")

    def ready(self):
        from orgs.filters import member_filters

        from .member_filters import tier_filter

        member_filters.register("tier", tier_filter)
