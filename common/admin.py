"""The admin of what the portal keeps for its operators: background jobs and the admin's own change log.

Both are read-only and the superuser's (``SUPERUSER_ONLY``): a job row names no organization, and the change
log lists every admin user's changes. Who may use the admin at all: ``common.admin_base``.
"""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.utils.translation import gettext_lazy as _

from .admin_base import SUPERUSER_ONLY, PortalModelAdmin
from .models import Job


@admin.register(Job)
class JobAdmin(PortalModelAdmin):
    """Read-only: operators look here for what is waiting, running or failed (common.jobs changes the rows)."""

    scope = SUPERUSER_ONLY
    list_display = ["id", "kind", "target", "state", "attempt", "owner", "created_at", "heartbeat_at", "finished_at"]
    list_select_related = ["owner"]
    list_filter = ["state", "kind", "created_at"]
    search_fields = ["target", "kind"]
    raw_id_fields = ["owner"]
    date_hierarchy = "created_at"


@admin.register(LogEntry)
class LogEntryAdmin(PortalModelAdmin):
    """Django's record of every change made in the admin (who, when, what): read-only."""

    scope = SUPERUSER_ONLY
    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag", "message"]
    list_select_related = ["user", "content_type"]
    list_filter = ["action_flag", "action_time", "content_type"]
    search_fields = ["object_repr", "user__username"]
    raw_id_fields = ["user"]
    ordering = ["-action_time"]

    @admin.display(description=_("变更内容"))
    def message(self, entry):
        return entry.get_change_message()
