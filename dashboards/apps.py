from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("数据看板")

    def ready(self):
        # The 党性分析 list (evaluations) and the 述职 list (accountability) read a large subtree's figures from the
        # snapshot (common.rollups).
        from accountability.queries import duty_count_sources
        from evaluations.coverage import coverage_sources

        from .list_figures import duty_counts, party_analysis_counts

        coverage_sources.register("dashboards", party_analysis_counts)
        duty_count_sources.register("dashboards", duty_counts)
