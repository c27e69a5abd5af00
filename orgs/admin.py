"""The admin, built on the same scope gateway: staff see only their subtree."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from . import queries
from .models import IdNumberView, ImportJob, Member, Org, RoleAssignment, User


class ScopedAdminMixin:
    scope_field = "org"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return self.scope(request.user, qs)


@admin.register(Org)
class OrgAdmin(ScopedAdminMixin, TreeAdmin, SimpleHistoryAdmin):
    form = movenodeform_factory(Org)
    list_display = ["name", "code", "kind", "level", "sector", "active"]
    search_fields = ["code", "name"]
    list_filter = ["level", "kind", "sector", "active"]

    def scope(self, user, qs):
        return qs.filter(queries.org_scope_q(user))


@admin.register(Member)
class MemberAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "org", "gender", "status", "category", "masked_id_number"]
    list_select_related = ["org"]
    search_fields = ["name", "=id_number"]
    list_filter = ["status", "category", "gender"]
    raw_id_fields = ["org"]

    def scope(self, user, qs):
        return qs.filter(queries.member_scope_q(user, roles=queries.MANAGE_ROLES))


@admin.register(User)
class PortalUserAdmin(ScopedAdminMixin, UserAdmin, SimpleHistoryAdmin):
    fieldsets = [*UserAdmin.fieldsets, ("党员档案", {"fields": ["full_name", "mobile", "member"]})]
    raw_id_fields = ["member"]

    def scope(self, user, qs):
        return qs & queries.users_for(user)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["user", "org", "role", "sector"]
    list_filter = ["role", "sector"]
    raw_id_fields = ["user", "org", "created_by"]

    def scope(self, user, qs):
        return qs.filter(queries.org_scope_q(user, roles=queries.MANAGE_ROLES, prefix="org__"))


@admin.register(IdNumberView)
class IdNumberViewAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "member", "purpose", "count", "ip_address"]
    raw_id_fields = ["user", "member"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.none()


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "original_name", "status", "created_by"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(created_by=request.user)
