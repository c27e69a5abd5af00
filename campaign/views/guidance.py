"""指导小组 pages: a provincial department forms the guidance group of its sector, with members and contact
points, and records inspections and remarks as the group (the supervision forms with ``?group=``).

"省直有关部门要成立指导小组，加强对相关领域(行业)创先争优活动的具体指导。" (seed, part 五)

Order of checks: anonymous → login; a group outside the user's scope (another sector, another level) → 404;
a user who may read but not manage it → 403 on the writing pages.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from orgs.enums import Sector
from orgs.views.mixins import RoleRequiredMixin, ScopedObjectMixin

from ..forms import guidance as forms
from ..queries import guidance as gq
from ..queries import supervision as sq
from ..services import guidance as services
from .supervision import PagedListMixin, SupervisionMixin, run_service

RECENT = 10


class GuidanceAccessMixin(RoleRequiredMixin):
    """The pages are for the province: a department (行业主管部门 on the province) and the province's 组织部 /
    领导小组. Anybody else holding those roles lower down gets 403."""

    allowed_roles = gq.READ_ROLES

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not gq.has_guidance_access(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class GuidanceListView(PagedListMixin, GuidanceAccessMixin, ListView):
    template_name = "campaign/guidance_list.html"
    tab = "guidance"

    def get_queryset(self):
        groups = gq.with_counts(gq.groups_for(self.request.user)).select_related("org")
        self.sector = self.request.GET.get("sector", "")
        if self.sector in Sector.values:
            groups = groups.filter(sector=self.sector)
        else:
            self.sector = ""
        return groups.order_by("sector", "name", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sectors=Sector.choices,
            sector=self.sector,
            can_create=bool(gq.creatable(self.request.user)),
            **kwargs,
        )


class GuidanceCreateView(SupervisionMixin, GuidanceAccessMixin, FormView):
    template_name = "campaign/supervision_form.html"
    form_class = forms.GuidanceGroupCreateForm
    tab = "guidance"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and gq.has_guidance_access(request.user) and not gq.creatable(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("成立指导小组"), cancel_url=reverse("campaign:guidance_list"), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        group = run_service(
            form,
            lambda: services.create_guidance_group(
                by=self.request.user,
                sector=data["sector"],
                department=data["department"],
                name=data["name"],
                phone=data["phone"],
            ),
        )
        if group is None:
            return self.form_invalid(form)
        messages.success(self.request, _("已成立%(name)s") % {"name": group.name})
        return redirect("campaign:guidance_detail", pk=group.pk)


class GroupScopedMixin(SupervisionMixin, ScopedObjectMixin):
    tab = "guidance"

    def get_scoped_object(self):
        return gq.get_group_or_404(self.request.user, self.kwargs["pk"])

    def check_role(self, group):
        pass  # every group in the user's scope may be read


class GroupManageMixin(GroupScopedMixin):
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


class GuidanceEditView(GroupManageMixin, FormView):
    template_name = "campaign/supervision_form.html"
    form_class = forms.GuidanceGroupForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("编辑指导小组"),
            cancel_url=reverse("campaign:guidance_detail", args=[self.object.pk]),
            **kwargs,
        )

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        self.object.refresh_from_db()  # the form changed the instance: history must show the real change
        done = run_service(
            form, lambda: services.update_guidance_group(self.object, by=self.request.user, fields=fields)
        )
        if done is None:
            return self.form_invalid(form)
        messages.success(self.request, _("已保存"))
        return redirect("campaign:guidance_detail", pk=self.object.pk)


class GuidanceMemberCreateView(GroupManageMixin, FormView):
    template_name = "campaign/supervision_form.html"
    form_class = forms.GuidanceMemberForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "group": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("添加指导小组成员"),
            cancel_url=reverse("campaign:guidance_detail", args=[self.object.pk]),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        member = run_service(
            form,
            lambda: services.add_guidance_member(
                self.object,
                by=self.request.user,
                name=data["name"],
                post=data["post"],
                phone=data["phone"],
                group_role=data["group_role"],
                user=data["username"],
                order=data["order"] or 0,
            ),
        )
        if member is None:
            return self.form_invalid(form)
        messages.success(self.request, _("已添加%(name)s") % {"name": member.name})
        return redirect("campaign:guidance_detail", pk=self.object.pk)


class MemberManageMixin(SupervisionMixin, ScopedObjectMixin):
    tab = "guidance"

    def get_scoped_object(self):
        return gq.get_member_or_404(self.request.user, self.kwargs["pk"])

    def check_role(self, member):
        if not gq.can_manage(self.request.user, member.group):
            raise PermissionDenied


class GuidanceMemberEditView(MemberManageMixin, FormView):
    template_name = "campaign/supervision_form.html"
    form_class = forms.GuidanceMemberForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "group": self.object.group, "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("编辑指导小组成员"),
            cancel_url=reverse("campaign:guidance_detail", args=[self.object.group_id]),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "post": data["post"],
            "phone": data["phone"],
            "group_role": data["group_role"],
            "order": data["order"] or 0,
            "user": data["username"],
        }
        self.object.refresh_from_db()
        done = run_service(
            form, lambda: services.update_guidance_member(self.object, by=self.request.user, fields=fields)
        )
        if done is None:
            return self.form_invalid(form)
        messages.success(self.request, _("已保存"))
        return redirect("campaign:guidance_detail", pk=self.object.group_id)


class PostOnlyMixin:
    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])


class GuidanceMemberDeleteView(MemberManageMixin, PostOnlyMixin, View):
    def post(self, request, *args, **kwargs):
        group_id = self.object.group_id
        services.remove_guidance_member(self.object, by=request.user)
        messages.success(request, _("已移除"))
        return redirect("campaign:guidance_detail", pk=group_id)


class GuidancePointCreateView(GroupManageMixin, FormView):
    template_name = "campaign/supervision_form.html"
    form_class = forms.GuidancePointForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "group": self.object}

    def get_initial(self):
        return {"org_code": self.request.GET.get("org", "")}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("建立联系点"),
            cancel_url=reverse("campaign:guidance_detail", args=[self.object.pk]),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        point = run_service(
            form,
            lambda: services.add_guidance_point(
                self.object, data["org_code"], by=self.request.user, notes=data["notes"]
            ),
        )
        if point is None:
            return self.form_invalid(form)
        messages.success(self.request, _("已把%(org)s列为联系点") % {"org": point.org.name})
        return redirect("campaign:guidance_detail", pk=self.object.pk)


class GuidancePointDeleteView(SupervisionMixin, ScopedObjectMixin, PostOnlyMixin, View):
    def get_scoped_object(self):
        return gq.get_point_or_404(self.request.user, self.kwargs["pk"])

    def check_role(self, point):
        if not gq.can_manage(self.request.user, point.group):
            raise PermissionDenied

    def post(self, request, *args, **kwargs):
        group_id = self.object.group_id
        services.remove_guidance_point(self.object, by=request.user)
        messages.success(request, _("已撤销联系点"))
        return redirect("campaign:guidance_detail", pk=group_id)
