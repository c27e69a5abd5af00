from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: operators look here for what is waiting, running or failed (common.jobs changes the rows)."""

    list_display = ["id", "kind", "target", "state", "attempt", "owner", "created_at", "heartbeat_at", "finished_at"]
    list_filter = ["state", "kind"]
    search_fields = ["target"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
