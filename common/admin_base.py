"""The admin for data managers (issue 16, item 2): who may use it, what each user sees, what may change.

- **Who**: a superuser, or an active account holding the 数据管理员 role (``Role.DATA_MANAGER``) on a node
  (``PortalAdminSite``). ``is_staff`` and model permissions open nothing here: an 组织部 staff account without
  the role is refused like anybody else.
- **What a data manager sees**: the rows of his subtree only, found through the scope gateway
  (``orgs.queries.org_scope_q`` / ``member_scope_q`` with the data-manager role) along the model's path to its
  organization (``scope``, derived from the foreign keys when not given: ``derive_scope``). A row outside answers
  404 (change, history, delete pages alike) and is never listed. Configuration every user reads in the portal
  (campaigns, phases, criteria, the holiday schedule) is readable (``GLOBAL``); personal or secret rows with no
  organization (inbox, outgoing messages, tokens, background jobs) are the superuser's (``SUPERUSER_ONLY``).
- **What may change**: only what an app's admin says is ``writable``/``addable``, and those admins call the
  app's services (``save_model``: orgs/admin.py), so the same checks, history rows (django-simple-history,
  with the admin's user) and audit rows follow. Everything else is read-only for everyone; nothing is deleted
  here; the history pages never revert (a revert would write around the services).
- **Bad input**: an id that is not a number, out of range, or outside the scope answers 404, never 500.
"""

import logging

from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.utils import unquote
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from orgs import queries
from orgs.enums import Role
from orgs.views.accounts import PortalAuthenticationForm, PortalLoginView

from .errors import add_to_form, refusal_text
from .history import has_history, is_history_model, stamp_history

logger = logging.getLogger(__name__)

DATA_ROLES = frozenset({Role.DATA_MANAGER})

# Scopes besides a path to the organization ("org__", "plan__org__" …; "" for Org itself).
GLOBAL = "global"  # every row, read-only: configuration the portal shows every user
SUPERUSER_ONLY = None  # no organization to scope by, or secret: the superuser's alone
MEMBERS = "members"  # orgs.Member: member_scope_q (the member's copy of its organization's path)
AUTO = "auto"

# Small tables a list may be filtered by (only the values present in the user's rows are offered).
FILTER_BY = {
    "campaign.Campaign",
    "campaign.Phase",
    "campaign.Milestone",
    "evaluations.Period",
    "evaluations.CriteriaSet",
    "awards.AwardRound",
    "awards.AwardCategory",
    "accountability.MeasureItem",
}


# Models of the installed apps the admin does not show, and why (tests/common/test_admin_registry.py fails for any
# other model without an admin, and for a stale line here). The generated ``Historical…`` models of
# django-simple-history are not listed: each is shown, read-only, on its record's 历史 page.
ADMIN_EXEMPT: dict[str, str] = {  # i18n: data
    "auth.Permission": "Django's permission rows: the admin is opened by the 数据管理员 role, not by model permissions",
    "contenttypes.ContentType": "Django's table of model names, written by migrations only",
    "sessions.Session": "signed-in sessions: their data would let a reader act as another user",
    "axes.AccessAttemptExpiration": (
        "django-axes' bookkeeping of when a lockout ends; the attempts and the log are shown (axes' own admin)"
    ),
    "django_celery_beat.PeriodicTasks": (
        "celery beat's single change counter, bumped whenever a periodic task changes; the tasks are shown"
    ),
}


def is_data_manager(user) -> bool:
    return queries.has_role(user, DATA_ROLES)


def may_use_admin(user) -> bool:
    """A superuser or a data manager (an active account): nobody else opens a page of the admin."""
    return bool(getattr(user, "is_active", False) and (user.is_superuser or is_data_manager(user)))


# --- the site ---------------------------------------------------------------------------------------------


class AdminLoginForm(AdminAuthenticationForm):
    """The portal's login messages; only a superuser or a data manager gets in."""

    error_messages = {
        **PortalAuthenticationForm.error_messages,
        "invalid_login": _(
            "用户名或密码错误，或该账号不是数据管理员。请注意密码区分大小写；连续输错多次账号将被暂时锁定。"
        ),
    }

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)
        if not may_use_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class AdminLoginView(PortalLoginView):
    """The portal's login (django-axes, 503 "登录服务暂不可用" when the store or a backend fails) on the admin's
    template. A signed-in account that may not use the admin sees the form again, not a redirect loop."""

    redirect_authenticated_user = False


class PortalAdminSite(admin.AdminSite):
    site_header = _("创先争优活动 数据管理")
    site_title = _("创先争优 数据管理")
    index_title = _("数据管理（仅超级管理员和数据管理员）")
    login_form = AdminLoginForm
    # "查看站点" opens the portal's organization tree: its home sends a 数据管理员 back here (his start page).
    site_url = reverse_lazy("orgs:tree")

    def has_permission(self, request):
        return may_use_admin(request.user)

    def login(self, request, extra_context=None):
        """Django's admin login through ``AdminLoginView``: an authentication backend that fails answers 503
        with the Chinese message (and counts as a failed attempt), never 500."""
        if request.method == "GET" and self.has_permission(request):
            return super().login(request, extra_context)
        context = {
            **self.each_context(request),
            "title": _("登录"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        return AdminLoginView.as_view(
            extra_context=context,
            authentication_form=self.login_form,
            template_name=self.login_template or "admin/login.html",
        )(request)


# --- what a data manager may see: the model's path to its organization ---------------------------------------


def _org_model():
    from orgs.models import Org

    return Org


def derive_scope(model, depth: int = 0):
    """The path from ``model`` to the organization it belongs to, as a lookup prefix for ``org_scope_q``.

    The first required foreign key to an organization (one named ``org`` first), else to a member (through
    the member's organization), else to another model that has such a path. ``SUPERUSER_ONLY`` when there
    is none (a row with no organization is nobody's subtree).
    """
    from orgs.models import Member, Org

    if model is Org:
        return ""
    if model is Member:
        return MEMBERS
    required = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey) and not f.null]
    to_org = sorted((f for f in required if f.related_model is Org), key=lambda f: f.name != "org")
    if to_org:
        return f"{to_org[0].name}__"
    for f in required:
        if f.related_model is Member:
            return f"{f.name}__org__"
    if depth < 3:
        for f in required:
            if f.related_model is model or f.related_model._meta.app_label in ("auth", "contenttypes"):
                continue
            sub = derive_scope(f.related_model, depth + 1)
            if isinstance(sub, str) and sub not in (GLOBAL, MEMBERS, AUTO):
                return f"{f.name}__{sub}"
    return SUPERUSER_ONLY


# --- the model admins -----------------------------------------------------------------------------------


class PortalAdminMixin:
    """Scope, read-only by default, 404 for anything not in the user's rows."""

    scope = AUTO
    writable = False  # change through save_model (a service)
    addable = False  # add through save_model (a service)
    show_full_result_count = False
    list_per_page = 50

    # -- scope --

    def data_scope(self):
        return derive_scope(self.model) if self.scope == AUTO else self.scope

    def scope_queryset(self, request, qs):
        user = request.user
        if user.is_superuser:
            return qs
        scope = self.data_scope()
        if scope is SUPERUSER_ONLY or not is_data_manager(user):
            return qs.none()
        if scope == GLOBAL:
            return qs
        if scope == MEMBERS:
            return qs.filter(queries.member_scope_q(user, roles=DATA_ROLES))
        return qs.filter(queries.org_scope_q(user, roles=DATA_ROLES, prefix=scope))

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    # -- permissions: the role, not Django's model permissions --

    def may_read(self, request) -> bool:
        user = request.user
        if not may_use_admin(user):
            return False
        return user.is_superuser or self.data_scope() is not SUPERUSER_ONLY

    def may_write(self, request) -> bool:
        user = request.user
        if not may_use_admin(user):
            return False
        return user.is_superuser or self.data_scope() not in (SUPERUSER_ONLY, GLOBAL)

    def has_module_permission(self, request):
        return self.may_read(request)

    def has_view_permission(self, request, obj=None):
        return self.may_read(request)

    def has_change_permission(self, request, obj=None):
        return self.writable and self.may_write(request)

    def has_add_permission(self, request):
        return self.addable and self.may_write(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # -- bad or foreign ids: 404 --

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404(_("没有找到该记录，或不在您的管理范围内"))

    def get_object(self, request, object_id, from_field=None):
        try:
            return super().get_object(request, object_id, from_field)
        except (ValueError, TypeError, OverflowError):
            return None

    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(_("没有找到该记录，或不在您的管理范围内"))
        return super().history_view(request, object_id, extra_context)


class PortalModelAdmin(PortalAdminMixin, admin.ModelAdmin):
    """A model without history (its exemption is in common/history.py)."""


class PortalHistoryAdmin(PortalAdminMixin, SimpleHistoryAdmin):
    """A model with history: its 历史 page lists every version (who, when, what changed), never reverts."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied  # reverting writes around the services: change the record instead
        obj = self.get_object(request, unquote(object_id))
        try:
            version = int(version_id)
        except (TypeError, ValueError):
            version = 0
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        pk_name = self.model._meta.pk.attname
        if (
            obj is None
            or not 0 < version < 2**63
            or not history.filter(**{pk_name: obj.pk, "history_id": version}).exists()
        ):
            raise Http404(_("没有找到该记录，或不在您的管理范围内"))
        return super().history_form_view(request, str(obj.pk), version, extra_context)


# --- writes through a service -------------------------------------------------------------------------------


class ServiceRefused(Exception):
    """A service refused a save inside the admin's transaction; carries its ValidationError."""

    def __init__(self, error: ValidationError):
        super().__init__(error)
        self.error = error


def copy_saved(obj, saved) -> None:
    """Give the admin's unsaved ``obj`` the row a service created (the admin logs and redirects with it)."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class ServiceAdminMixin:
    """``save_model`` / ``delete_model`` call a service (``call_service``). The admin has checked the scope
    (the object comes from ``get_queryset``, a chosen organization from the user's rows), so the service acts
    for the system (``by=SYSTEM``, like the importer); history records the admin's user (``history_user``, set
    by simple-history's request middleware and here). A ValidationError the service raises rolls the admin's
    transaction back and the same form is shown again with the message at the field it names.

    ``form_kwargs`` gives the form class extra keyword arguments (the request's user …)."""

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
                    add_to_form(self, refused)
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
            self.message_user(request, refusal_text(refused.error, model=self.model), messages.ERROR)
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id]))

    def call_service(self, request, obj, service, *args, **kwargs):
        stamp_history(obj, request.user)
        try:
            return service(*args, **kwargs)
        except ValidationError as error:
            raise ServiceRefused(error) from error


class ServiceChangeAdmin(ServiceAdminMixin, PortalHistoryAdmin):
    """A record whose facts a data manager may correct: ``save_model`` hands the fields the form changed to
    ``change(obj, fields)`` — the app's own update service, called with ``by=SYSTEM`` (its rules and messages,
    history with the admin's user, the admin's change log). ``editable(obj)`` False shows the record read-only
    (a record the portal no longer lets anybody change, e.g. once published). Never added or deleted here."""

    writable = True

    def editable(self, obj) -> bool:
        return True

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self.editable(obj))

    def change(self, obj, fields: dict):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if fields:
            self.call_service(request, obj, self.change, obj, fields)


# --- generated options: the Chinese columns, filters and searches of a model ----------------------------------


def _chinese(field) -> bool:
    return not str(field.verbose_name).isascii()


def auto_options(model) -> dict:
    """``list_display`` / ``list_filter`` / ``search_fields`` from the model's fields with Chinese names:
    choices and flags are columns and filters, dates columns (the first a filter), foreign keys to small
    tables (campaigns, periods, rounds …) filters over the values present, short text searched."""
    from orgs.models import User

    display, filters, search, related, raw = ["__str__"], [], [], [], []
    date_filter = None
    for f in model._meta.concrete_fields:
        if isinstance(f, models.ForeignKey):
            raw.append(f.name)
        if f.primary_key or not _chinese(f):
            continue
        if isinstance(f, (models.TextField, models.JSONField, models.FileField)):
            continue
        if f.choices or isinstance(f, models.BooleanField):
            display.append(f.name)
            filters.append(f.name)
        elif isinstance(f, models.ForeignKey):
            if f.related_model is User:
                continue
            display.append(f.name)
            related.append(f.name)
            if f.related_model._meta.label in FILTER_BY:
                filters.append((f.name, RelatedOnlyFieldListFilter))
        elif isinstance(f, (models.DateField, models.DateTimeField)):
            display.append(f.name)
            date_filter = date_filter or f.name
        elif isinstance(f, models.CharField) and len(search) < 3:
            search.append(f.name)
            display.append(f.name)
    if date_filter:
        filters.append(date_filter)
    if any(f.name == "org" and isinstance(f, models.ForeignKey) for f in model._meta.concrete_fields):
        search.append("org__name")
    options = {
        "list_display": display[:8],
        "list_filter": filters[:6],
        "search_fields": search,
        "list_select_related": [name for name in related if name in display[:8]],
        "raw_id_fields": raw,
    }
    if not model._meta.ordering:
        options["ordering"] = ["-pk"]
    return options


def register_app(app_label: str, *, scopes: dict | None = None, options: dict | None = None) -> None:
    """Register every model of ``app_label`` that its admin.py did not register itself: generated options
    (``auto_options``, overridden per model by ``options``), the scope ``derive_scope`` finds (or ``scopes``
    gives), read-only."""
    from django.apps import apps

    scopes, options = scopes or {}, options or {}
    for model in apps.get_app_config(app_label).get_models():
        if is_history_model(model) or admin.site.is_registered(model):
            continue
        name = model.__name__
        attrs = {**auto_options(model), **options.get(name, {})}
        if name in scopes:
            attrs["scope"] = scopes[name]
        attrs["__module__"] = f"{app_label}.admin"
        base = PortalHistoryAdmin if has_history(model) else PortalModelAdmin
        admin.site.register(model, type(f"{name}Admin", (base,), attrs))
