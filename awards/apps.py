from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("评选表彰")

    def ready(self):
        # 事迹材料 attachments are served by campaign's download view: it must apply the nomination's own read rules.
        from campaign import attachment_owners
        from orgs.panels import member_panels

        from .models import Nomination
        from .queries.basic import member_honours
        from .queries.nominations import get_nomination_or_404, nominations_for

        def may_read_nomination(user, pk):
            get_nomination_or_404(user, pk)  # 404 outside the scope
            return nominations_for(user).filter(pk=pk).exists()

        attachment_owners.register(Nomination, may_read_nomination)

        # The member's standing honours on his record (orgs' member page), from basic organizations' own
        # commendations ("基层党组织也要采取适当方式对优秀共产党员进行表彰奖励", seed part 四.(二)).
        member_panels.register(
            "awards/_member_honours.html", lambda request, member: {"honours": list(member_honours(member))}
        )
