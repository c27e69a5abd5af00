"""The permission order every portal view follows.

anonymous → login; outside the user's scope → 404 (no leak that the object exists);
inside the scope with the wrong role → 403; else the page.
"""

from operator import attrgetter

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from .. import queries
from ..enums import OrgLevel
from ..forms.fields import ChooseOrgForm
from ..pagination import CappedPaginator, query_without_page


class PagedMixin:
    """A list of 30 rows a page, counted no further than the capped paginator does; the context's ``query`` is the
    request's query string without the page, for the pager's links to keep the filters."""

    paginate_by = 30
    paginator_class = CappedPaginator

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=query_without_page(self.request), **kwargs)


class RoleRequiredMixin(LoginRequiredMixin):
    """``allowed_roles``: roles that may use the view somewhere in their scope."""

    allowed_roles = queries.ALL_ROLES

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not queries.has_role(request.user, self.allowed_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def require_cover_org(self, org):
        """403 unless one of the user's allowed-role assignments covers ``org``."""
        if not queries.covers(self.request.user, org, self.allowed_roles):
            raise PermissionDenied

    def require_cover_member(self, member):
        if not queries.covers_member(self.request.user, member, self.allowed_roles):
            raise PermissionDenied


class OrgPageMixin(LoginRequiredMixin):
    """A page on the organization named in the URL (``org_kwarg``), checked before anything else: anonymous →
    login; ``self.org`` outside the user's scope → 404; ``may_use_org(org)`` false → 403 (by default: unless one of
    ``allowed_roles`` covers it). ``org_loaded()`` then reads what else the page needs; a response it returns
    (a redirect) is the answer. Put it leftmost: the view's other bases run after these checks."""

    org_kwarg = "code"

    def may_use_org(self, org) -> bool:
        return queries.covers(self.request.user, org, self.allowed_roles)

    def org_loaded(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.org = queries.get_org_or_404(request.user, kwargs[self.org_kwarg])
        if not self.may_use_org(self.org):
            raise PermissionDenied
        return self.org_loaded() or super().dispatch(request, *args, **kwargs)


class ScopedObjectMixin(LoginRequiredMixin):
    """For views on one object: look it up in the whole visible scope first (404), then
    check the role (403). ``fetch(user, key)`` finds the object named by the URL's ``lookup_kwarg`` in the user's
    scope, else 404 (or override ``get_scoped_object``); subclasses implement ``check_role``."""

    allowed_roles = queries.ALL_ROLES
    fetch = None  # staticmethod(user, key) → the object in the user's scope, or Http404
    lookup_kwarg = "pk"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_scoped_object()
        self.check_role(self.object)
        return super().dispatch(request, *args, **kwargs)

    def get_scoped_object(self):
        return self.fetch(self.request.user, self.kwargs[self.lookup_kwarg])

    def get_object(self, queryset=None):
        return self.object

    def check_role(self, obj):
        raise NotImplementedError


class OrgRecordMixin(ScopedObjectMixin):
    """A record that belongs to one organization (the attribute ``org_attr``, dotted through a relation if need
    be): 403 unless one of the view's ``allowed_roles`` covers that organization."""

    org_attr = "org"

    def check_role(self, record):
        if not queries.covers(self.request.user, attrgetter(self.org_attr)(record), self.allowed_roles):
            raise PermissionDenied


class ChooseOrgMixin:
    """Create views of a record that belongs to an organization: the organization comes from ``?org=<code>``
    (GET or POST), or is the user's only one; otherwise the page shows ``choose_form`` (include
    ``orgs/_choose_org.html``) instead of the record's form. The choice is among the organizations the user holds
    one of the view's ``allowed_roles`` on; ``basic_only``: basic-level organizations only."""

    basic_only = False

    def own_orgs(self):
        orgs = queries.orgs_for(self.request.user, roles=self.allowed_roles)
        return orgs.filter(level=OrgLevel.BASIC) if self.basic_only else orgs

    def choose_form_for(self, data=None):
        return ChooseOrgForm(data, user=self.request.user, roles=self.allowed_roles, basic_only=self.basic_only)

    def resolve_org(self):
        self.org = None
        self.choose_form = None
        code = self.request.GET.get("org") or self.request.POST.get("org")
        if code:
            chooser = self.choose_form_for({"org": code})
            if chooser.is_valid():
                self.org = chooser.cleaned_data["org"]
            else:
                self.choose_form = chooser
            return
        self.org = queries.only_org(self.own_orgs())
        if self.org is None:
            self.choose_form = self.choose_form_for()

    def get(self, request, *args, **kwargs):
        self.resolve_org()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.resolve_org()
        if self.org is None:
            return self.render_to_response(self.get_context_data(form=None))
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class=None):
        if getattr(self, "org", None) is None:
            return None
        return super().get_form(form_class)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("org", getattr(self, "org", None))
        kwargs.setdefault("choose_form", getattr(self, "choose_form", None))
        return super().get_context_data(**kwargs)


class PresetOrgMixin:
    """Create views whose form may pick the organization itself: ``self.org`` is the organization of
    ``?org=<code>`` (404 outside the user's scope, 403 unless ``may_write(org)``), else the user's only one of
    ``writable_orgs()``, else None (the form's own field picks). Set before the view's other checks run; a GET
    for an organization whose record exists already goes to ``existing_url(org)`` when that answers one."""

    def may_write(self, org) -> bool:
        raise NotImplementedError

    def writable_orgs(self):
        raise NotImplementedError

    def existing_url(self, org) -> str | None:
        return None

    def preset_org(self):
        code = (self.request.GET.get("org") or "").strip()
        if code:
            org = queries.get_org_or_404(self.request.user, code)
            if not self.may_write(org):
                raise PermissionDenied
            return org
        return queries.only_org(self.writable_orgs())

    def dispatch(self, request, *args, **kwargs):
        self.org = None
        if request.user.is_authenticated:
            self.org = self.preset_org()
            target = self.existing_url(self.org) if self.org is not None and request.method == "GET" else None
            if target:
                return redirect(target)
        return super().dispatch(request, *args, **kwargs)
