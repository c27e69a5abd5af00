"""指导小组 pages: a provincial department forms the guidance group of its sector, with members and contact
points, and records inspections and remarks as the group (the supervision forms with ``?group=``).

"省直有关部门要成立指导小组，加强对相关领域(行业)创先争优活动的具体指导。" (seed, part 五)

Order of checks: anonymous → login; a group outside the user's scope (another sector, another level) → 404;
a user who may read but not manage it → 403 on the writing pages.
"""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView

from common.views import ChoiceFilterMixin, ServiceActionView, ServiceFormView
from orgs.enums import Sector
from orgs.views.mixins import RoleRequiredMixin, ScopedObjectMixin

from ..forms import guidance as forms
from ..queries import guidance as gq
from ..queries import supervision as sq
from ..services import guidance as services
from .groups import GroupPageMixin, MemberCreateView, MemberDeleteView, MemberEditView, MemberPageMixin
from .supervision import PagedListMixin, SupervisionMixin

RECENT = 10


class GuidanceAccessMixin(RoleRequiredMixin):
    """The pages are for the province: a department (行业主管部门 on the province) and the province's 组织部 /
    领导小组. Anybody else holding those roles lower down gets 403."""

    allowed_roles = gq.READ_ROLES

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not gq.has_guidance_access(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class GuidanceListView(PagedListMixin, GuidanceAccessMixin, ChoiceFilterMixin, ListView):
    template_name = "campaign/guidance_list.html"
    tab = "guidance"
    choice_param = "sector"
    choice_options = Sector.choices
    options_name = "sectors"

    def get_queryset(self):
        groups = gq.with_counts(gq.groups_for(self.request.user)).select_related("org")
        return self.filter_by_choice(groups).order_by("sector", "name", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_create=bool(gq.creatable(self.request.user)), **kwargs)


class GuidanceCreateView(SupervisionMixin, GuidanceAccessMixin, ServiceFormView):
    template_name = "campaign/supervision_form.html"
    form_class = forms.GuidanceGroupCreateForm
    tab = "guidance"
    title = _("成立指导小组")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and gq.has_guidance_access(request.user) and not gq.creatable(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_cancel_url(self):
        return reverse("campaign:guidance_list")

    def perform(self, data):
        fields = {name: data[name] for name in ("sector", "department", "name", "phone")}
        return services.create_guidance_group(by=self.request.user, **fields)

    def get_success_message(self, group):
        return _("已成立%(name)s") % {"name": group.name}

    def get_success_url(self, group):
        return reverse("campaign:guidance_detail", args=[group.pk])


class GroupScopedMixin(SupervisionMixin, ScopedObjectMixin):
    tab = "guidance"
    fetch = staticmethod(gq.get_group_or_404)

    def check_role(self, group):
        pass  # every group in the user's scope may be read


class GroupManageMixin(GroupPageMixin, GroupScopedMixin):
    group_url = "campaign:guidance_detail"

    def check_role(self, group):
        if not gq.can_manage(self.request.user, group):
            raise PermissionDenied


class GuidanceDetailView(GroupScopedMixin, TemplateView):
    template_name = "campaign/guidance_detail.html"

    def get_context_data(self, **kwargs):
        user, group = self.request.user, self.object
        inspections = sq.inspections_for(user).filter(guidance_group=group)
        remarks = sq.remarks_for(user).filter(guidance_group=group)
        return super().get_context_data(
            group=group,
            members=list(gq.members_of(group)),
            points=list(gq.points_of(group)),
            inspections=list(inspections.select_related("org", "issuer_org", "guidance_group")[:RECENT]),
            inspection_total=inspections.count(),
            remarks=list(remarks.select_related("org", "author_org", "guidance_group")[:RECENT]),
            remark_total=remarks.count(),
            can_manage=gq.can_manage(user, group),
            **kwargs,
        )


class GuidanceEditView(GroupManageMixin, ServiceFormView):
    form_class = forms.GuidanceGroupForm
    title = _("编辑指导小组")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, data):
        fields = {name: data[name] for name in self.form_class.Meta.fields}
        self.object.refresh_from_db()  # the form changed the instance: history must show the real change
        return services.update_guidance_group(self.object, by=self.request.user, fields=fields)


class GuidanceMemberCreateView(GroupManageMixin, MemberCreateView):
    form_class = forms.GuidanceMemberForm
    title = _("添加指导小组成员")
    add = staticmethod(services.add_guidance_member)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "group": self.object}


class MemberManageMixin(MemberPageMixin, GroupManageMixin):
    fetch = staticmethod(gq.get_member_or_404)


class GuidanceMemberEditView(MemberManageMixin, MemberEditView):
    form_class = forms.GuidanceMemberForm
    title = _("编辑指导小组成员")
    update = staticmethod(services.update_guidance_member)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "group": self.object.group, "instance": self.object}


class GuidanceMemberDeleteView(MemberManageMixin, MemberDeleteView):
    remove = staticmethod(services.remove_guidance_member)


class GuidancePointCreateView(GroupManageMixin, ServiceFormView):
    form_class = forms.GuidancePointForm
    title = _("建立联系点")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "group": self.object}

    def get_initial(self):
        return {"org_code": self.request.GET.get("org", "")}

    def perform(self, data):
        return services.add_guidance_point(self.object, data["org_code"], by=self.request.user, notes=data["notes"])

    def get_success_message(self, point):
        return _("已把%(org)s列为联系点") % {"org": point.org.name}


class GuidancePointDeleteView(MemberManageMixin, ServiceActionView):
    success_message = _("已撤销联系点")
    fetch = staticmethod(gq.get_point_or_404)

    def perform(self):
        services.remove_guidance_point(self.object, by=self.request.user)
