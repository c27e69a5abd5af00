"""The admin of organizations, members and accounts: the same scope gateway and the same services as the portal.

Who may use the admin and what a data manager sees: ``common.admin_base``. Here:

- organizations and members are written through ``orgs.services`` (``update_org``, ``create_member``,
  ``update_member``) — the same checks, the Chinese message at the field, the roll-ups, history with the
  admin's user — never by the admin's own ``obj.save()``. Nothing is moved or deleted here (members carry a
  copy of their organization's path; a member changes organization by a transfer in the portal).
- ID numbers are masked in the member list, the change form and the history pages exactly as in the portal
  (``mask_id_number``); the list's action "显示完整身份证号" shows the full numbers of the chosen members and
  writes one audit row (``IdNumberView``, purpose ``admin_show``) per member shown. A data manager corrects a
  number by typing the whole new one; the masked value left as it is changes nothing.
- Accounts and role assignments: a data manager reads those of his subtree; only a superuser grants
  (``services.assign_role``) or withdraws (``services.remove_assignment``) a role or edits an account.
- The logs (ID number views, import jobs) are read-only.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.template_utils import HistoricalRecordContextHelper

from common.actors import SYSTEM
from common.admin_base import (
    DATA_ROLES,
    MEMBERS,
    SUPERUSER_ONLY,
    PortalHistoryAdmin,
    ServiceAdminMixin,
    ServiceRefused,
    copy_saved,
    is_data_manager,
)
from common.net import client_ip

from . import queries, services
from .enums import OrgLevel
from .forms.records import MemberForm, OrgForm
from .models import IdNumberView, ImportJob, Member, Org, RoleAssignment, User
from .validators import mask_id_number

# How many members one "显示完整身份证号" may show (each one an audit row).
SHOW_ID_LIMIT = 100
ADMIN_SHOW = "admin_show"


@admin.register(Org)
class OrgAdmin(ServiceAdminMixin, PortalHistoryAdmin):
    """Changes go through ``services.update_org``; a node is added under its parent in the portal (or by
    import) and never moved or deleted here (members carry a copy of its path)."""

    scope = ""
    writable = True
    form = OrgForm
    list_display = ["name", "code", "kind", "level", "sector", "subtree_members", "active"]
    search_fields = ["=code", "name"]
    list_filter = ["level", "kind", "sector", "ethnic_religious", "active"]
    ordering = ["path"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name != "code"}
        if fields:
            self.call_service(request, obj, services.update_org, obj, by=SYSTEM, fields=fields)


class MaskedIdContextHelper(HistoricalRecordContextHelper):
    """The admin's history page shows ID numbers masked, like the member page's 变更记录."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return mask_id_number(value) if change.field == "id_number" and value else value


class AdminMemberForm(MemberForm):
    """The portal's member form (same checks and messages) with the ID number masked: the masked value sent
    back unchanged keeps the number; a whole new number replaces it (checked like any other). A new member's
    organization is a basic organization among the admin user's rows (``orgs``)."""

    def __init__(self, *args, user, orgs, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk is not None:
            field = self.fields["id_number"]
            field.disabled = False
            field.help_text = gettext_lazy("已脱敏显示；如需更正，请输入完整的新身份证号，否则请保持不变。")
            self.initial["id_number"] = mask_id_number(self.instance.id_number)
        else:
            self.fields["org_code"] = forms.CharField(
                label=gettext_lazy("所在组织编码"),
                max_length=32,
                help_text=gettext_lazy("基层党组织的组织编码"),
            )
            self.order_fields(["org_code"])
        self.orgs = orgs

    def clean_org_code(self):
        code = self.cleaned_data["org_code"].strip()
        org = self.orgs.filter(code=code).first()
        if org is None:
            raise forms.ValidationError(_("未找到该组织，或不在您的管理范围内"))
        if org.level != OrgLevel.BASIC:
            raise forms.ValidationError(_("“%(name)s”不是基层党组织，党员只能编入基层党组织") % {"name": org.name})
        return org

    def clean_id_number(self):
        value = (self.cleaned_data.get("id_number") or "").strip()
        if self.instance.pk is not None and value == mask_id_number(self.instance.id_number):
            return self.instance.id_number
        if "*" in value:
            raise forms.ValidationError(_("请输入完整的身份证号（18 位或 15 位），或保持原脱敏显示不变"))
        return super().clean_id_number()


@admin.register(Member)
class MemberAdmin(ServiceAdminMixin, PortalHistoryAdmin):
    """The portal's member form, saved by ``services.create_member`` / ``update_member``. The organization
    changes only by a transfer (组织关系转接) in the portal."""

    scope = MEMBERS
    writable = True
    addable = True
    form = AdminMemberForm
    list_display = ["name", "org", "gender", "masked_id", "status", "category", "join_date"]
    list_select_related = ["org"]
    search_fields = ["name", "=id_number"]
    list_filter = ["status", "category", "gender", "org_sector", "college_official"]
    actions = ["show_full_id_numbers"]

    @admin.display(description=gettext_lazy("身份证号"))
    def masked_id(self, member):
        return member.masked_id_number

    def get_search_results(self, request, queryset, search_term):
        # A typed ID number is searched as the portal stores it (upper-case X).
        return super().get_search_results(request, queryset, search_term.strip().upper())

    def form_kwargs(self, request, obj):
        return {"user": request.user, "orgs": self.scoped_orgs(request)}

    def scoped_orgs(self, request):
        orgs = Org.objects.filter(active=True)
        if request.user.is_superuser:
            return orgs
        return orgs.filter(queries.org_scope_q(request.user, roles=DATA_ROLES))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["org_code", *MemberForm.Meta.fields]
        return ["org", *MemberForm.Meta.fields]  # the form's hidden ``version``: admin/orgs/member/change_form.html

    def get_readonly_fields(self, request, obj=None):
        return ["org"] if obj is not None else []

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedIdContextHelper(self.model, historical_record)

    @admin.action(description=gettext_lazy("显示完整身份证号"))
    def show_full_id_numbers(self, request, queryset):
        """The full ID numbers of the chosen members (at most ``SHOW_ID_LIMIT``), each one recorded."""
        members = list(queryset.select_related("org").order_by("org_path", "id")[: SHOW_ID_LIMIT + 1])
        if len(members) > SHOW_ID_LIMIT:
            self.message_user(
                request,
                _("一次最多显示 %(n)d 名党员的完整身份证号，请缩小选择范围。") % {"n": SHOW_ID_LIMIT},
                messages.ERROR,
            )
            return None
        ip = client_ip(request)
        with transaction.atomic():
            for member in members:
                services.record_id_view(request.user, member=member, purpose=ADMIN_SHOW, ip=ip)
        context = {
            **self.admin_site.each_context(request),
            "title": _("完整身份证号"),
            "opts": self.model._meta,
            "members": members,
        }
        response = TemplateResponse(request, "admin/orgs/member/show_id_numbers.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def save_model(self, request, obj, form, change):
        try:
            if change:
                fields = {name: form.cleaned_data[name] for name in form.changed_data if name != "version"}
                if fields:
                    self.call_service(
                        request,
                        obj,
                        services.update_member,
                        obj,
                        by=SYSTEM,
                        fields=fields,
                        expected_version=form.cleaned_data.get("version"),
                    )
            else:
                data = {name: form.cleaned_data[name] for name in MemberForm.Meta.fields}
                saved = self.call_service(
                    request, obj, services.create_member, form.cleaned_data["org_code"], by=SYSTEM, **data
                )
                copy_saved(obj, saved)
        except services.StaleEdit as stale:
            message = _("保存失败：该党员信息在您编辑期间已被他人修改。请重新打开后再修改，您的修改尚未保存。")
            raise ServiceRefused(ValidationError(message)) from stale
        except IntegrityError as taken:
            raise ServiceRefused(ValidationError({"id_number": services.ID_NUMBER_TAKEN})) from taken


@admin.register(User)
class PortalUserAdmin(PortalHistoryAdmin, UserAdmin):
    """A data manager reads the accounts holding a role in his subtree (no password hash, no privileges);
    accounts are created, changed and disabled by a superuser here or by 组织部 in the portal, never deleted
    (their history and logs point at them)."""

    scope = "assignments__org__"
    fieldsets = [*UserAdmin.fieldsets, (gettext_lazy("党员档案"), {"fields": ["full_name", "mobile", "member"]})]
    read_fieldsets = [
        (None, {"fields": ["username", "full_name", "mobile", "email", "member"]}),
        (gettext_lazy("状态"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    raw_id_fields = ["member"]
    list_display = ["username", "full_name", "email", "is_active", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_superuser", "assignments__role"]
    search_fields = ["username", "full_name", "email"]

    def scope_queryset(self, request, qs):
        qs = super().scope_queryset(request, qs)
        return qs if request.user.is_superuser else qs.distinct()

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.read_fieldsets

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and self.may_write(request)

    def has_add_permission(self, request):
        return request.user.is_superuser and self.may_write(request)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ServiceAdminMixin, PortalHistoryAdmin):
    """Granted by ``services.assign_role``, withdrawn by ``services.remove_assignment`` (a superuser's); never
    edited in place (withdraw it and grant another). A data manager reads those of his subtree."""

    scope = "org__"
    fields = ["user", "org", "role", "sector"]
    list_display = ["user", "org", "role", "sector", "created_at"]
    list_select_related = ["user", "org"]
    list_filter = ["role", "sector"]
    search_fields = ["user__username", "user__full_name", "=org__code", "org__name"]
    raw_id_fields = ["user", "org"]

    def has_add_permission(self, request):
        return request.user.is_superuser and self.may_write(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and self.may_write(request)

    def get_actions(self, request):
        return {}

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = self.call_service(
            request,
            obj,
            services.assign_role,
            data["user"],
            data["org"],
            data["role"],
            by=SYSTEM,
            sector=data.get("sector", ""),
        )
        copy_saved(obj, saved)

    def delete_model(self, request, obj):
        self.call_service(request, obj, services.remove_assignment, obj, by=SYSTEM)


@admin.register(IdNumberView)
class IdNumberViewAdmin(PortalHistoryAdmin):
    """The audit log of full ID number views: read-only; a data manager reads those about his subtree's members."""

    scope = "member__org__"
    list_display = ["at", "viewer", "member", "purpose", "count", "ip"]
    list_select_related = ["user", "member"]
    list_filter = ["purpose", "at"]
    search_fields = ["user__username", "user__full_name", "member__name"]
    raw_id_fields = ["user", "member"]

    @admin.display(description=gettext_lazy("查看人"), ordering="user__username")
    def viewer(self, row):
        return row.user

    @admin.display(description=gettext_lazy("IP 地址"))
    def ip(self, row):
        return row.ip_address


@admin.register(ImportJob)
class ImportJobAdmin(PortalHistoryAdmin):
    """Import jobs: read-only; a data manager sees his own uploads."""

    scope = SUPERUSER_ONLY
    list_display = ["created_at", "kind", "original_name", "status", "total_rows", "created_by"]
    list_select_related = ["created_by"]
    list_filter = ["kind", "status", "created_at"]
    search_fields = ["original_name"]
    raw_id_fields = ["created_by"]

    def may_read(self, request):
        return super().may_read(request) or is_data_manager(request.user)

    def scope_queryset(self, request, qs):
        if request.user.is_superuser:
            return qs
        return qs.filter(created_by=request.user) if is_data_manager(request.user) else qs.none()
