from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    """基层党建述职评议 and the 一定三有 mechanism (seed, part 四.(二).5 “组织创新”)."""

    name = "accountability"
    verbose_name = _("述职评议与一定三有")

    def ready(self):
        # Evidence files are campaign attachments, served by campaign's download view with these owners' read rules.
        from campaign import attachment_owners

        from . import queries
        from .models import DutyReport, VillageMeasure

        attachment_owners.register(DutyReport, queries.may_read_duty_report)
        attachment_owners.register(VillageMeasure, queries.may_read_village_measure)
