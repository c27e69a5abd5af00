from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("评选表彰")

    def ready(self):
        # 事迹材料 attachments are served by campaign's download view: it must apply the nomination's own read rules.
        from campaign.views.attachments import OWNER_CHECKS

        from .models import Nomination
        from .queries_nominations import get_nomination_or_404, nominations_for

        def may_read_nomination(user, pk):
            get_nomination_or_404(user, pk)  # 404 outside the scope
            return nominations_for(user).filter(pk=pk).exists()

        OWNER_CHECKS[Nomination] = may_read_nomination
