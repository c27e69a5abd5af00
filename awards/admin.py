"""The admin of commendation (rounds, quotas, nominations, 公示, decisions, the holiday schedule).

Every model registered, scoped to a data manager's subtree; a draft 基层表彰 can be corrected through its
service, everything else is read-only.
Generated Chinese columns, filters and searches, the scope along each model's path to its organization,
read-only pages and history without revert: ``common.admin_base``. These records change in the portal,
through the app's services (their rules, history and notifications); here they are read and searched.
"""

from django.contrib import admin

from common.actors import SYSTEM
from common.admin_base import GLOBAL, ServiceChangeAdmin, register_app

from .models import BasicCommendation
from .services import basic


@admin.register(BasicCommendation)
class BasicCommendationAdmin(ServiceChangeAdmin):
    """A draft's title, year, date, method and 公示 settings through ``update_commendation`` (its checks and
    messages); once in 公示 or announced it is read-only, as in the portal."""

    fields = ["org", "status", *basic.EDITABLE_FIELDS]
    readonly_fields = ["org", "status"]
    list_display = ["title", "org", "year", "date", "status"]
    list_filter = ["status", "year"]
    search_fields = ["title", "org__name"]
    list_select_related = ["org"]
    ordering = ["-date", "-pk"]

    def editable(self, commendation):
        return commendation.status == basic.Status.DRAFT

    def change(self, commendation, fields):
        return basic.update_commendation(commendation, by=SYSTEM, fields=fields)


register_app(
    "awards",
    scopes={
        # The State Council's holiday schedule: the same for everybody.
        "HolidayYear": GLOBAL,
        "CalendarDay": GLOBAL,
    },
)
