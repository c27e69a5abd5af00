"""The admin, built on the same scope gateway and the same services as the portal.

Staff see only their subtree. Organizations, members and role assignments are written through
``orgs.services`` — the same permission checks, the same validation (the Chinese message at the field),
history with the acting user and the same audit rows (a form that shows a full ID number is recorded as
in the portal) — never by the admin's own ``obj.save()``. What the portal does not allow the admin does
not allow either: moving a node of the tree, deleting an organization or a member, editing a role in
place, reverting to an old version. The logs (ID number views, import jobs) are read-only.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from common.net import client_ip

from . import queries, services
from .forms import MemberForm, OrgForm, add_service_error
from .models import IdNumberView, ImportJob, Member, Org, RoleAssignment, User
from .validators import mask_id_number


class ServiceRefused(Exception):
    """A service refused a save inside the admin's transaction; carries its ValidationError."""

    def __init__(self, error: ValidationError):
        super().__init__(error)
        self.error = error


def acting_user(request):
    """Who the services check: the staff user; a superuser acts as the system (``by=None``), like the
    importer and the command line. History still records the superuser (``history_user``)."""
    return None if request.user.is_superuser else request.user


def copy_saved(obj, saved) -> None:
    """Give the admin's unsaved ``obj`` the row a service created (the admin logs and redirects with it)."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class ScopedAdminMixin:
    scope_field = "org"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return self.scope(request.user, qs)


class ServiceAdminMixin(ScopedAdminMixin):
    """``save_model`` / ``delete_model`` call a service. A ValidationError it raises rolls the admin's
    transaction back and the same form is shown again with the message at the field it names.

    The form class gets the request's user (``form_kwargs``); history rows carry the acting user; the
    revert button of the history pages is off (a revert would bypass the services)."""

    def form_kwargs(self, request, obj):
        return {}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        extra = self.form_kwargs(request, obj)

        class ServiceForm(form_class):
            def __init__(self, *args, **kw):
                super().__init__(*args, **{**extra, **kw})

            def clean(self):
                data = super().clean()
                refused = getattr(request, "_service_refused", None)
                if refused is not None:
                    add_service_error(self, refused)
                return data

        ServiceForm.__name__ = form_class.__name__
        return ServiceForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            # Nothing was written (the admin's transaction rolled back): validate the same POST again, this
            # time with the service's errors, so the form comes back with the message at its field.
            request._service_refused = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceRefused as refused:
            self.message_user(request, " ".join(refused.error.messages), messages.ERROR)
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id]))

    def get_actions(self, request):
        # "Delete selected" would delete row by row around the service's checks.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied  # reverting bypasses the services: change the record instead
        return super().history_form_view(request, object_id, version_id, extra_context)

    def call_service(self, request, obj, service, *args, **kwargs):
        obj._history_user = request.user
        try:
            return service(*args, **kwargs)
        except ValidationError as error:
            raise ServiceRefused(error) from error


@admin.register(Org)
class OrgAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """Changes go through ``services.update_org``; a node is added under its parent in the portal (or by
    import) and never moved or deleted here (members carry a copy of its path)."""

    form = OrgForm
    list_display = ["name", "code", "kind", "level", "sector", "active"]
    search_fields = ["code", "name"]
    list_filter = ["level", "kind", "sector", "active"]

    def scope(self, user, qs):
        return qs.filter(queries.org_scope_q(user))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name != "code"}
        if fields:
            self.call_service(request, obj, services.update_org, obj, by=acting_user(request), fields=fields)


class MaskedIdContextHelper(HistoricalRecordContextHelper):
    """The admin's history page shows ID numbers masked, like the member page's 变更记录."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return mask_id_number(value) if change.field == "id_number" and value else value


@admin.register(Member)
class MemberAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """The portal's member form (same checks and messages); saved by ``services.create_member`` /
    ``update_member``. The organization changes only by a transfer (组织关系转接) in the portal."""

    form = MemberForm
    list_display = ["name", "org", "gender", "status", "category", "masked_id_number"]
    list_select_related = ["org"]
    search_fields = ["name", "=id_number"]
    list_filter = ["status", "category", "gender"]

    def scope(self, user, qs):
        return qs.filter(queries.member_scope_q(user, roles=queries.MANAGE_ROLES))

    def form_kwargs(self, request, obj):
        return {"user": request.user}

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["org_code", *MemberForm.Meta.fields]
        return ["org", *MemberForm.Meta.fields, "version"]

    def get_readonly_fields(self, request, obj=None):
        return ["org"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedIdContextHelper(self.model, historical_record)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            member = self.get_object(request, object_id)
            if member is not None:
                # The form shows the full ID number: a full view, audited like the portal's edit page.
                services.record_id_view(request.user, member=member, purpose="edit", ip=client_ip(request))
        return super().change_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        member = self.get_object(request, object_id)
        if request.method == "GET" and member is not None:
            services.record_id_view(request.user, member=member, purpose="history", ip=client_ip(request))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        by = acting_user(request)
        try:
            if change:
                fields = {name: form.cleaned_data[name] for name in form.changed_data if name != "version"}
                if fields:
                    self.call_service(
                        request,
                        obj,
                        services.update_member,
                        obj,
                        by=by,
                        fields=fields,
                        expected_version=form.cleaned_data.get("version"),
                    )
            else:
                data = {name: form.cleaned_data[name] for name in MemberForm.Meta.fields}
                saved = self.call_service(
                    request, obj, services.create_member, form.cleaned_data["org_code"], by=by, **data
                )
                copy_saved(obj, saved)
        except services.StaleEdit as stale:
            message = _("保存失败：该党员信息在您编辑期间已被他人修改。请重新打开后再修改，您的修改尚未保存。")
            raise ServiceRefused(ValidationError(message)) from stale
        except IntegrityError as taken:
            raise ServiceRefused(ValidationError({"id_number": services.ID_NUMBER_TAKEN})) from taken


@admin.register(User)
class PortalUserAdmin(ScopedAdminMixin, UserAdmin, SimpleHistoryAdmin):
    """Only an account the staff user may manage in the portal (every role inside its subtree, not a
    staff account); privileges, new accounts and deletions are a superuser's."""

    fieldsets = [*UserAdmin.fieldsets, ("党员档案", {"fields": ["full_name", "mobile", "member"]})]
    raw_id_fields = ["member"]
    PRIVILEGES = ["is_staff", "is_superuser", "groups", "user_permissions"]

    def scope(self, user, qs):
        return qs.filter(pk__in=queries.users_for(user).values("pk"))

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and not queries.can_manage_account(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else [*readonly, *self.PRIVILEGES]

    # Staff create accounts with their first role in the portal (services.create_account) and disable them
    # there (set_user_active); an account is never deleted by staff (its history and logs point at it).
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """Granted by ``services.assign_role``, withdrawn by ``services.remove_assignment``; never edited in
    place (withdraw it and grant another)."""

    fields = ["user", "org", "role", "sector"]
    list_display = ["user", "org", "role", "sector"]
    list_filter = ["role", "sector"]
    raw_id_fields = ["user", "org"]

    def scope(self, user, qs):
        return qs.filter(queries.org_scope_q(user, roles=queries.MANAGE_ROLES, prefix="org__"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            if db_field.name == "org":
                kwargs["queryset"] = Org.objects.filter(queries.org_scope_q(request.user, roles=queries.MANAGE_ROLES))
            elif db_field.name == "user":
                kwargs["queryset"] = queries.users_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = self.call_service(
            request,
            obj,
            services.assign_role,
            data["user"],
            data["org"],
            data["role"],
            by=acting_user(request),
            sector=data.get("sector", ""),
        )
        copy_saved(obj, saved)

    def delete_model(self, request, obj):
        self.call_service(request, obj, services.remove_assignment, obj, by=acting_user(request))


class ReadOnlyLogAdmin(admin.ModelAdmin):
    """A log: written by the portal only, read here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IdNumberView)
class IdNumberViewAdmin(ReadOnlyLogAdmin):
    list_display = ["at", "user", "member", "purpose", "count", "ip_address"]
    raw_id_fields = ["user", "member"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.none()


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyLogAdmin):
    list_display = ["created_at", "kind", "original_name", "status", "created_by"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(created_by=request.user)
