"""Leading groups (领导小组, with 办公室 and members), their contact points (联系点) and the sector supervisor's
本领域 view — part of the supervision (督促检查) pages, which share their tabs and flags (views/supervision.py).

Order of checks on every page: anonymous → login; outside the scope → 404; wrong role → 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView

from common.views import ServiceActionView, ServiceFormView
from orgs import queries
from orgs.enums import Role
from orgs.pagination import CappedPaginator
from orgs.views.mixins import RoleRequiredMixin, ScopedObjectMixin

from ..forms import supervision as forms
from ..queries import guidance as gq
from ..queries import supervision as sq
from ..services import supervision as services
from .supervision import PagedListMixin, SupervisionMixin

# --- leading groups -----------------------------------------------------------------------------


class GroupListView(PagedListMixin, RoleRequiredMixin, ListView):
    allowed_roles = sq.GROUP_READ_ROLES
    template_name = "campaign/supervision_group_list.html"
    tab = "groups"

    def get_queryset(self):
        return sq.with_group_counts(sq.groups_for(self.request.user)).select_related("org").order_by("org__path")


class GroupCreateView(SupervisionMixin, RoleRequiredMixin, ServiceFormView):
    allowed_roles = sq.GROUP_MANAGE_ROLES
    template_name = "campaign/supervision_form.html"
    form_class = forms.LeadingGroupCreateForm
    tab = "groups"
    title = _("成立领导小组")

    def get_initial(self):
        code = self.request.GET.get("org", "").strip()
        if code:
            org = queries.get_org_or_404(self.request.user, code)
            if not sq.can_manage_group(self.request.user, org):
                raise PermissionDenied
        return {"org_code": code}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_cancel_url(self):
        return reverse("campaign:supervision_group_list")

    def perform(self, data):
        data = dict(data)
        return services.create_leading_group(data.pop("org_code"), by=self.request.user, **data)

    def get_success_message(self, group):
        return _("已成立%(name)s") % {"name": group.name}

    def get_success_url(self, group):
        return reverse("campaign:supervision_group_detail", args=[group.pk])


def member_fields(data) -> dict:
    """A group member's form (领导小组 or 指导小组) → the service's fields: the account chosen by its user name,
    no order given is 0."""
    fields = {name: data[name] for name in ("name", "post", "phone", "group_role") if name in data}
    return {**fields, "order": data["order"] or 0, "user": data["username"]}


class GroupPageMixin:
    """A page that changes a group (领导小组 or 指导小组: the group, its members, its contact points): the view's
    ``check_role`` lets its managers only; back to the group's page (the URL named ``group_url``)."""

    template_name = "campaign/supervision_form.html"
    group_url = ""

    def group_id(self):
        return self.object.pk

    def get_cancel_url(self):
        return reverse(self.group_url, args=[self.group_id()])

    def get_success_url(self, result=None):
        return self.get_cancel_url()


class MemberPageMixin:
    """A page on one member of a group: for whoever may manage the group; back to the group's page."""

    def check_role(self, member):
        super().check_role(member.group)

    def group_id(self):
        return self.object.group_id


class MemberCreateView(ServiceFormView):
    """Add a member to the group of the page (``add``: the service)."""

    add = None  # staticmethod(group, *, by, **fields) → the member

    def perform(self, data):
        return self.add(self.object, by=self.request.user, **member_fields(data))

    def get_success_message(self, member):
        return _("已添加%(name)s") % {"name": member.name}


class MemberEditView(ServiceFormView):
    """Change the member of the page (``update``: the service)."""

    update = None  # staticmethod(member, *, by, fields) → the member

    def perform(self, data):
        # The instance was already changed by the form: reload it so history shows the real change.
        self.object.refresh_from_db()
        return self.update(self.object, by=self.request.user, fields=member_fields(data))


class MemberDeleteView(ServiceActionView):
    """Remove the member of the page (``remove``: the service)."""

    success_message = _("已移除")
    remove = None  # staticmethod(member, *, by)

    def perform(self):
        self.remove(self.object, by=self.request.user)


class GroupScopedMixin(SupervisionMixin, ScopedObjectMixin):
    allowed_roles = sq.GROUP_READ_ROLES
    tab = "groups"
    fetch = staticmethod(sq.get_group_or_404)

    def check_role(self, group):
        if not sq.can_read_group(self.request.user, group):
            raise PermissionDenied


class GroupManageMixin(GroupPageMixin, GroupScopedMixin):
    group_url = "campaign:supervision_group_detail"

    def check_role(self, group):
        if not sq.can_manage_group(self.request.user, group.org):
            raise PermissionDenied


class GroupDetailView(GroupScopedMixin, TemplateView):
    template_name = "campaign/supervision_group_detail.html"

    def get_context_data(self, **kwargs):
        group = self.object
        points = (
            sq.points_for(self.request.user)
            .filter(leader__group=group)
            .select_related("org", "leader")
            .annotate(visit_count=Count("visits"), last_visit=Max("visits__date"))
            .order_by("leader__order", "leader_id", "org__path")
        )
        return super().get_context_data(
            group=group,
            members=list(group.members.select_related("user")),
            points=list(points),
            can_manage=sq.can_manage_group(self.request.user, group.org),
            **kwargs,
        )


class GroupEditView(GroupManageMixin, ServiceFormView):
    form_class = forms.LeadingGroupForm
    title = _("编辑领导小组")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, data):
        fields = {name: data[name] for name in self.form_class.Meta.fields}
        return services.update_leading_group(self.object, by=self.request.user, fields=fields)


class GroupMemberCreateView(GroupManageMixin, MemberCreateView):
    form_class = forms.GroupMemberForm
    title = _("添加领导小组成员")
    add = staticmethod(services.add_group_member)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class GroupMemberScopedMixin(MemberPageMixin, GroupManageMixin):
    allowed_roles = sq.GROUP_MANAGE_ROLES

    def get_scoped_object(self):
        from ..models import LeadingGroupMember

        member = (
            LeadingGroupMember.objects.filter(queries.org_scope_q(self.request.user, prefix="group__org__"))
            .select_related("group", "group__org", "user")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if member is None:
            raise Http404
        return member


class GroupMemberEditView(GroupMemberScopedMixin, MemberEditView):
    form_class = forms.GroupMemberForm
    title = _("编辑领导小组成员")
    update = staticmethod(services.update_group_member)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.object}


class GroupMemberDeleteView(GroupMemberScopedMixin, MemberDeleteView):
    remove = staticmethod(services.remove_group_member)


# --- contact points -----------------------------------------------------------------------------


class PointCreateView(GroupManageMixin, ServiceFormView):
    form_class = forms.ContactPointForm
    tab = "points"
    title = _("建立联系点")
    success_message = _("已建立联系点")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "group": self.object}

    def get_initial(self):
        return {"org_code": self.request.GET.get("org", "")}

    def perform(self, data):
        return services.create_contact_point(
            data["leader"], data["org_code"], by=self.request.user, notes=data["notes"]
        )

    def get_success_url(self, point):
        return reverse("campaign:supervision_point_detail", args=[point.pk])


class PointListView(PagedListMixin, RoleRequiredMixin, ListView):
    allowed_roles = sq.GROUP_READ_ROLES
    template_name = "campaign/supervision_point_list.html"
    tab = "points"

    def get_queryset(self):
        return (
            sq.points_for(self.request.user)
            .select_related("org", "leader", "leader__group__org")
            .annotate(visit_count=Count("visits"), last_visit=Max("visits__date"))
            .order_by("leader__group__org__path", "leader__order", "leader_id", "org__path")
        )


class PointScopedMixin(SupervisionMixin, ScopedObjectMixin):
    tab = "points"
    fetch = staticmethod(sq.get_point_or_404)

    def check_role(self, point):
        if not sq.can_read_point(self.request.user, point):
            raise PermissionDenied


class PointDetailView(PointScopedMixin, ServiceFormView):
    """A contact point with its visit log; POST adds a visit (the leader or the managing 组织部)."""

    template_name = "campaign/supervision_point_detail.html"
    form_class = forms.VisitForm
    success_message = _("已记录走访情况")

    def post(self, request, *args, **kwargs):
        if not sq.may_log_visit(request.user, self.object):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_cancel_url(self):
        return None

    def get_context_data(self, **kwargs):
        point = self.object
        return super().get_context_data(
            point=point,
            visits=list(point.visits.select_related("recorded_by")),
            may_log=sq.may_log_visit(self.request.user, point),
            can_manage=sq.can_manage_group(self.request.user, point.leader.group.org),
            **kwargs,
        )

    def perform(self, data):
        return services.log_visit(self.object, by=self.request.user, date=data["date"], note=data["note"])

    def get_success_url(self, visit=None):
        return reverse("campaign:supervision_point_detail", args=[self.object.pk])


class PointDeleteView(PointScopedMixin, ServiceActionView):
    success_message = _("已撤销联系点")

    def check_role(self, point):
        if not sq.can_manage_group(self.request.user, point.leader.group.org):
            raise PermissionDenied

    def perform(self):
        services.remove_contact_point(self.object, by=self.request.user)

    def get_success_url(self):
        return reverse("campaign:supervision_group_detail", args=[self.object.leader.group_id])


# --- sector guidance ----------------------------------------------------------------------------


class SectorView(PagedListMixin, RoleRequiredMixin, ListView):
    """本领域: "行业主管部门要加强对本行业、本系统开展创先争优活动的具体指导和督促检查。" (seed, part 五)"""

    allowed_roles = {Role.SECTOR_SUPERVISOR}
    template_name = "campaign/supervision_sector.html"
    paginator_class = CappedPaginator
    tab = "sector"

    def get_queryset(self):
        return sq.sector_orgs_for(self.request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        own = [a for a in queries.assignments(user) if a.role == Role.SECTOR_SUPERVISOR]
        sectors = sorted({a.get_sector_display() for a in own})
        guidance = {g.pk: g for a in own for g in gq.guidance_for_dashboard(user, a.org, {a.sector})}
        return super().get_context_data(sectors=sectors, guidance=list(guidance.values()), **kwargs)
