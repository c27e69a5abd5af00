"""The organization tree: lazy drill-down (htmx), organization detail, create and edit."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from common.views import ServiceFormView

from .. import queries, services
from ..enums import OrgKind, OrgLevel, Role
from ..forms.records import OrgForm
from ..models import Org
from .mixins import RoleRequiredMixin, ScopedObjectMixin

CHILDREN_PER_PAGE = 100
NEXT_LEVEL = {
    OrgLevel.PROVINCE: OrgLevel.CITY,
    OrgLevel.PROVINCIAL: OrgLevel.BASIC,
    OrgLevel.CITY: OrgLevel.COUNTY,
    OrgLevel.COUNTY: OrgLevel.TOWNSHIP,
    OrgLevel.TOWNSHIP: OrgLevel.BASIC,
    OrgLevel.BASIC: OrgLevel.BASIC,
}


def visible_children(user, org: Org):
    """The children of ``org`` the user may see, in tree order: one query."""
    return queries.children_of(user, org)


def ancestors_of(org: Org):
    return list(Org.objects.filter(path__in=org.ancestor_paths(include_self=False)).order_by("depth"))


TREE_SEARCH_LIMIT = 50


class TreeView(RoleRequiredMixin, TemplateView):
    """The tree from the user's top nodes; ``?q=`` searches the scope by name, code or pinyin initials
    (the first 50 matches, highest first, each with its trail)."""

    template_name = "orgs/tree.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        text = queries.search_text(self.request.GET.get("q", ""))
        found = None
        if text:
            found = queries.search_orgs(user, text, limit=TREE_SEARCH_LIMIT)
            queries.with_trails(user, found.orgs)
        return super().get_context_data(roots=queries.top_orgs(user), q=text, found=found, **kwargs)


class OrgScopedMixin(ScopedObjectMixin):
    fetch = staticmethod(queries.get_org_or_404)
    lookup_kwarg = "code"

    def check_role(self, org):
        if not queries.covers(self.request.user, org, self.allowed_roles):
            raise PermissionDenied


class OrgChildrenView(OrgScopedMixin, TemplateView):
    """htmx partial: one page of a node's children with their counts."""

    template_name = "orgs/_children.html"

    def get_context_data(self, **kwargs):
        page = Paginator(visible_children(self.request.user, self.object), CHILDREN_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(org=self.object, page=page, children=page.object_list, **kwargs)


class OrgDetailView(OrgScopedMixin, TemplateView):
    template_name = "orgs/org_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        org = self.object
        page = Paginator(visible_children(user, org), CHILDREN_PER_PAGE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            org=org,
            ancestors=ancestors_of(org),
            page=page,
            children=page.object_list,
            can_manage=queries.can_manage(user, org),
            can_read_members=queries.covers(user, org, queries.READ_MEMBER_ROLES),
            **kwargs,
        )


class OrgEditView(OrgScopedMixin, ServiceFormView):
    allowed_roles = queries.MANAGE_ROLES
    template_name = "orgs/org_form.html"
    form_class = OrgForm
    success_message = gettext_lazy("组织信息已保存")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(org=self.object, ancestors=ancestors_of(self.object), **kwargs)

    def get_cancel_url(self):
        return reverse("orgs:org_detail", args=[self.object.code])

    def perform(self, data):
        fields = {name: data[name] for name in self.form.changed_data if name != "code"}
        if fields:
            services.update_org(self.object, by=self.request.user, fields=fields)

    def get_success_url(self, result=None):
        return self.get_cancel_url()


class OrgCreateView(OrgScopedMixin, ServiceFormView):
    """Add a sub-organization under the node in the URL."""

    allowed_roles = {Role.ORG_DEPARTMENT}
    template_name = "orgs/org_form.html"
    form_class = OrgForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "creating": True}

    def get_initial(self):
        parent = self.object
        level = NEXT_LEVEL[parent.level]
        return {
            "level": level,
            "kind": OrgKind.BRANCH if level == OrgLevel.BASIC else OrgKind.COMMITTEE,
            "sector": parent.sector,
            "active": True,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            parent=self.object, ancestors=[*ancestors_of(self.object), self.object], creating=True, **kwargs
        )

    def get_cancel_url(self):
        return reverse("orgs:org_detail", args=[self.object.code])

    def perform(self, data):
        with transaction.atomic():
            return services.create_org(self.object, by=self.request.user, **data)

    def get_success_message(self, org):
        return _("已添加组织“%(name)s”") % {"name": org.name}

    def get_success_url(self, org=None):
        return reverse("orgs:org_detail", args=[org.code])
