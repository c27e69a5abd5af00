"""Supervision (督促检查) pages: overview, inspections, remarks, rectification orders, leading groups,
contact points and the sector supervisor's 本领域 view.

Order of checks on every page: anonymous → login; outside the scope → 404; wrong role → 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from common.errors import RefusalMixin, run_on_form
from orgs import queries
from orgs.enums import Role
from orgs.pagination import CappedPaginator
from orgs.views.mixins import RoleRequiredMixin, ScopedObjectMixin

from ..forms import supervision as forms
from ..models import InspectionMethod, RectificationOrder
from ..queries import guidance as gq
from ..queries import supervision as sq
from ..services import supervision as services
from ..services.attachments import attachments_of

PER_PAGE = 30
OVERVIEW_ROWS = 5


def flags(user) -> dict:
    """What the user may do on supervision pages (no query: assignments are cached on the user)."""
    return {
        "can_issue": queries.has_role(user, sq.ISSUE_ROLES),
        "can_remark": queries.has_role(user, sq.REMARK_ROLES),
        "can_read_groups": queries.has_role(user, sq.GROUP_READ_ROLES),
        "can_manage_groups": queries.has_role(user, sq.GROUP_MANAGE_ROLES),
        "is_sector": queries.has_role(user, {Role.SECTOR_SUPERVISOR}),
        "can_read_guidance": gq.has_guidance_access(user),
        "is_supervisor": queries.has_role(user, sq.SUPERVISE_ROLES),
    }


run_service = run_on_form  # a refusal lands on the form (the field it names, or the top, naming the field)


class SupervisionMixin:
    tab = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(tab=self.tab, today=timezone.localdate(), **flags(self.request.user), **kwargs)


class PagedListMixin(SupervisionMixin):
    paginate_by = PER_PAGE

    def get_context_data(self, **kwargs):
        params = self.request.GET.copy()
        params.pop("page", None)
        return super().get_context_data(query=params.urlencode(), **kwargs)


# --- overview -----------------------------------------------------------------------------------


class SupervisionView(SupervisionMixin, RoleRequiredMixin, TemplateView):
    """督促检查: counts and the latest rows of every section, in the user's scope."""

    allowed_roles = sq.READ_ROLES
    template_name = "campaign/supervision_overview.html"
    tab = "overview"

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        orders = sq.orders_for(user)
        context = {
            "inspections": list(
                sq.inspections_for(user)
                .select_related("org", "issuer_org", "guidance_group")
                .order_by("-date", "-id")[:OVERVIEW_ROWS]
            ),
            "inspection_count": sq.inspections_for(user).count(),
            "remarks": list(sq.remarks_for(user).select_related("org", "author_org", "guidance_group")[:OVERVIEW_ROWS]),
            "order_counts": sq.order_counts(orders, today),
            "orders": list(
                sq.filter_orders(orders, "open", today)
                .select_related("org", "issuer_org")
                .order_by("deadline", "id")[:OVERVIEW_ROWS]
            ),
        }
        if queries.has_role(user, sq.GROUP_READ_ROLES):
            context["groups"] = list(sq.with_group_counts(sq.groups_for(user)).select_related("org")[:OVERVIEW_ROWS])
        context["points"] = list(
            sq.points_for(user).select_related("org", "leader", "leader__group__org")[:OVERVIEW_ROWS]
        )
        return super().get_context_data(**context, **kwargs)


# --- inspections --------------------------------------------------------------------------------


class InspectionListView(PagedListMixin, RoleRequiredMixin, ListView):
    allowed_roles = sq.READ_ROLES
    template_name = "campaign/supervision_inspection_list.html"
    tab = "inspections"

    def get_queryset(self):
        qs = (
            sq.inspections_for(self.request.user)
            .select_related("org", "issuer_org", "guidance_group")
            .order_by("-date", "-id")
        )
        method = self.request.GET.get("method", "")
        if method in InspectionMethod.values:
            qs = qs.filter(method=method)
        return qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            methods=InspectionMethod.choices, method=self.request.GET.get("method", ""), **kwargs
        )


class TargetFormMixin:
    """Create forms with ``?org=<code>``: a code outside the scope answers 404, a wrong role 403."""

    target_roles = sq.ISSUE_ROLES

    def get_initial(self):
        code = self.request.GET.get("org", "").strip()
        if code:
            org = queries.get_org_or_404(self.request.user, code)
            if not sq.supervises(self.request.user, org, self.target_roles):
                raise PermissionDenied
            self.target_org = org
        return {"org_code": code}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class GuidanceGroupInitialMixin:
    """``?group=<pk>``: preselect a 指导小组 the user may record as (any other value is ignored)."""

    def get_initial(self):
        initial = super().get_initial()
        pk = self.request.GET.get("group", "")
        if pk.isdigit():
            group = gq.actable_groups(self.request.user).filter(pk=int(pk)).first()
            if group is not None:
                initial["guidance_group"] = group
        return initial


class InspectionCreateView(SupervisionMixin, GuidanceGroupInitialMixin, TargetFormMixin, RoleRequiredMixin, FormView):
    allowed_roles = sq.ISSUE_ROLES
    template_name = "campaign/supervision_form.html"
    form_class = forms.InspectionForm
    tab = "inspections"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("登记督促检查"),
            multipart=True,
            cancel_url=reverse("campaign:supervision_inspection_list"),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        inspection = run_service(
            form,
            lambda: services.record_inspection(
                data["org_code"],
                by=self.request.user,
                date=data["date"],
                method=data["method"],
                inspectors=data["inspectors"],
                findings=data["findings"],
                files=data.get("attachments") or [],
                guidance_group=data.get("guidance_group"),
            ),
        )
        if inspection is None:
            return self.form_invalid(form)
        messages.success(self.request, _("已登记对%(org)s的督促检查") % {"org": inspection.org.name})
        return redirect("campaign:supervision_inspection_detail", pk=inspection.pk)


class InspectionDetailView(SupervisionMixin, ScopedObjectMixin, TemplateView):
    allowed_roles = sq.READ_ROLES
    template_name = "campaign/supervision_inspection_detail.html"
    tab = "inspections"

    def get_scoped_object(self):
        return sq.get_inspection_or_404(self.request.user, self.kwargs["pk"])

    def check_role(self, inspection):
        if not sq.can_read_inspection(self.request.user, inspection):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            inspection=self.object, attachments=list(attachments_of(self.object).order_by("id")), **kwargs
        )


# --- remarks ------------------------------------------------------------------------------------


class RemarkListView(PagedListMixin, RoleRequiredMixin, ListView):
    allowed_roles = sq.READ_ROLES
    template_name = "campaign/supervision_remark_list.html"
    tab = "remarks"

    def get_queryset(self):
        return sq.remarks_for(self.request.user).select_related("org", "author_org", "guidance_group")


class RemarkCreateView(SupervisionMixin, GuidanceGroupInitialMixin, TargetFormMixin, RoleRequiredMixin, FormView):
    allowed_roles = sq.REMARK_ROLES
    target_roles = sq.REMARK_ROLES
    template_name = "campaign/supervision_form.html"
    form_class = forms.RemarkForm
    tab = "remarks"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("点评下级组织"), cancel_url=reverse("campaign:supervision_remark_list"), **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        remark = run_service(
            form,
            lambda: services.add_remark(
                data["org_code"],
                by=self.request.user,
                achievements=data["achievements"],
                problems=data["problems"],
                direction=data["direction"],
                guidance_group=data.get("guidance_group"),
            ),
        )
        if remark is None:
            return self.form_invalid(form)
        messages.success(self.request, _("已点评%(org)s") % {"org": remark.org.name})
        return redirect("campaign:supervision_remark_detail", pk=remark.pk)


class RemarkDetailView(SupervisionMixin, ScopedObjectMixin, TemplateView):
    allowed_roles = sq.READ_ROLES
    template_name = "campaign/supervision_remark_detail.html"
    tab = "remarks"

    def get_scoped_object(self):
        return sq.get_remark_or_404(self.request.user, self.kwargs["pk"])

    def check_role(self, remark):
        if not sq.can_read_addressed(self.request.user, remark.org):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return super().get_context_data(remark=self.object, **kwargs)


# --- rectification orders -----------------------------------------------------------------------

ORDER_STATES = [
    ("", _("全部")),
    ("open", _("未完成")),
    ("overdue", _("已逾期")),
    ("responded", _("待验收")),
    ("verified", _("已验收")),
]


class OrderListView(PagedListMixin, RoleRequiredMixin, ListView):
    allowed_roles = sq.READ_ROLES
    template_name = "campaign/supervision_order_list.html"
    tab = "orders"

    def get_queryset(self):
        self.state = self.request.GET.get("state", "")
        orders = sq.orders_for(self.request.user)
        self.counts = sq.order_counts(orders)
        return sq.filter_orders(orders, self.state).select_related("org", "issuer_org").order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(states=ORDER_STATES, state=self.state, order_counts=self.counts, **kwargs)


class OrderCreateView(SupervisionMixin, TargetFormMixin, RoleRequiredMixin, FormView):
    allowed_roles = sq.ISSUE_ROLES
    template_name = "campaign/supervision_form.html"
    form_class = forms.OrderForm
    tab = "orders"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("下达限期整改通知"), cancel_url=reverse("campaign:supervision_order_list"), **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        order = run_service(
            form,
            lambda: services.issue_order(
                data["org_code"],
                by=self.request.user,
                problem=data["problem"],
                requirement=data["requirement"],
                deadline=data["deadline"],
            ),
        )
        if order is None:
            return self.form_invalid(form)
        messages.success(self.request, _("已向%(org)s下达限期整改通知") % {"org": order.org.name})
        return redirect("campaign:supervision_order_detail", pk=order.pk)


class OrderDetailView(SupervisionMixin, ScopedObjectMixin, TemplateView):
    allowed_roles = sq.READ_ROLES
    template_name = "campaign/supervision_order_detail.html"
    tab = "orders"

    def get_scoped_object(self):
        return sq.get_order_or_404(self.request.user, self.kwargs["pk"])

    def check_role(self, order):
        if not sq.can_read_addressed(self.request.user, order.org):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        user, order = self.request.user, self.object
        responses = list(order.responses.select_related("responded_by", "verified_by"))
        for response in responses:
            response.files = list(attachments_of(response).order_by("id"))
        may_respond = sq.may_respond(user, order)
        may_verify = sq.may_verify(user, order)
        if may_respond and order.awaits_response and "response_form" not in kwargs:
            kwargs["response_form"] = forms.ResponseForm()
        if may_verify and order.status == RectificationOrder.Status.RESPONDED and "verify_form" not in kwargs:
            kwargs["verify_form"] = forms.VerifyForm()
        return super().get_context_data(
            order=order,
            responses=responses,
            overdue=order.is_overdue(),
            may_respond=may_respond,
            may_verify=may_verify,
            **kwargs,
        )


class OrderRespondView(OrderDetailView):
    """POST: the organization's secretary reports its rectification with evidence."""

    def check_role(self, order):
        if not sq.may_respond(self.request.user, order):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        form = forms.ResponseForm(request.POST, request.FILES)
        if form.is_valid():
            done = run_service(
                form,
                lambda: services.respond_order(
                    self.object,
                    by=request.user,
                    text=form.cleaned_data["text"],
                    files=form.cleaned_data.get("attachments") or [],
                ),
            )
            if done is not None:
                messages.success(request, _("整改情况已报送，等待验收"))
                return redirect("campaign:supervision_order_detail", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(response_form=form))


class OrderVerifyView(OrderDetailView):
    """POST: the issuer verifies (通过 / 不通过 with a reason)."""

    def check_role(self, order):
        if not sq.may_verify(self.request.user, order):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        form = forms.VerifyForm(request.POST)
        if form.is_valid():
            passed = form.cleaned_data["verdict"] == "passed"
            done = run_service(
                form,
                lambda: services.verify_order(
                    self.object, by=request.user, passed=passed, reason=form.cleaned_data["reason"]
                ),
            )
            if done is not None:
                messages.success(request, _("已验收通过") if passed else _("已退回重新整改"))
                return redirect("campaign:supervision_order_detail", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(verify_form=form))


# --- leading groups -----------------------------------------------------------------------------


class GroupListView(PagedListMixin, RoleRequiredMixin, ListView):
    allowed_roles = sq.GROUP_READ_ROLES
    template_name = "campaign/supervision_group_list.html"
    tab = "groups"

    def get_queryset(self):
        return sq.with_group_counts(sq.groups_for(self.request.user)).select_related("org").order_by("org__path")


class GroupCreateView(SupervisionMixin, RoleRequiredMixin, FormView):
    allowed_roles = sq.GROUP_MANAGE_ROLES
    template_name = "campaign/supervision_form.html"
    form_class = forms.LeadingGroupCreateForm
    tab = "groups"

    def get_initial(self):
        code = self.request.GET.get("org", "").strip()
        if code:
            org = queries.get_org_or_404(self.request.user, code)
            if not sq.can_manage_group(self.request.user, org):
                raise PermissionDenied
        return {"org_code": code}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("成立领导小组"), cancel_url=reverse("campaign:supervision_group_list"), **kwargs
        )

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        org = data.pop("org_code")
        group = run_service(form, lambda: services.create_leading_group(org, by=self.request.user, **data))
        if group is None:
            return self.form_invalid(form)
        messages.success(self.request, _("已成立%(name)s") % {"name": group.name})
        return redirect("campaign:supervision_group_detail", pk=group.pk)


class GroupScopedMixin(SupervisionMixin, ScopedObjectMixin):
    allowed_roles = sq.GROUP_READ_ROLES
    tab = "groups"

    def get_scoped_object(self):
        return sq.get_group_or_404(self.request.user, self.kwargs["pk"])

    def check_role(self, group):
        if not sq.can_read_group(self.request.user, group):
            raise PermissionDenied


class GroupManageMixin(GroupScopedMixin):
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


class GroupEditView(GroupManageMixin, FormView):
    template_name = "campaign/supervision_form.html"
    form_class = forms.LeadingGroupForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("编辑领导小组"),
            cancel_url=reverse("campaign:supervision_group_detail", args=[self.object.pk]),
            **kwargs,
        )

    def form_valid(self, form):
        services.update_leading_group(
            self.object, by=self.request.user, fields={name: form.cleaned_data[name] for name in form.Meta.fields}
        )
        messages.success(self.request, _("已保存"))
        return redirect("campaign:supervision_group_detail", pk=self.object.pk)


class GroupMemberCreateView(GroupManageMixin, FormView):
    template_name = "campaign/supervision_form.html"
    form_class = forms.GroupMemberForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("添加领导小组成员"),
            cancel_url=reverse("campaign:supervision_group_detail", args=[self.object.pk]),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        member = run_service(
            form,
            lambda: services.add_group_member(
                self.object,
                by=self.request.user,
                name=data["name"],
                post=data["post"],
                group_role=data["group_role"],
                user=data["username"],
                order=data["order"] or 0,
            ),
        )
        if member is None:
            return self.form_invalid(form)
        messages.success(self.request, _("已添加%(name)s") % {"name": member.name})
        return redirect("campaign:supervision_group_detail", pk=self.object.pk)


class GroupMemberScopedMixin(SupervisionMixin, ScopedObjectMixin):
    allowed_roles = sq.GROUP_MANAGE_ROLES
    tab = "groups"

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

    def check_role(self, member):
        if not sq.can_manage_group(self.request.user, member.group.org):
            raise PermissionDenied


class GroupMemberEditView(GroupMemberScopedMixin, FormView):
    template_name = "campaign/supervision_form.html"
    form_class = forms.GroupMemberForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("编辑领导小组成员"),
            cancel_url=reverse("campaign:supervision_group_detail", args=[self.object.group_id]),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "post": data["post"],
            "group_role": data["group_role"],
            "order": data["order"] or 0,
            "user": data["username"],
        }
        # The instance was already changed by the form: reload it so history shows the real change.
        self.object.refresh_from_db()
        done = run_service(form, lambda: services.update_group_member(self.object, by=self.request.user, fields=fields))
        if done is None:
            return self.form_invalid(form)
        messages.success(self.request, _("已保存"))
        return redirect("campaign:supervision_group_detail", pk=self.object.group_id)


class GroupMemberDeleteView(RefusalMixin, GroupMemberScopedMixin, View):
    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def get_refusal_url(self):
        return reverse("campaign:supervision_group_detail", args=[self.object.group_id])

    def post(self, request, *args, **kwargs):
        group_id = self.object.group_id
        services.remove_group_member(self.object, by=request.user)
        messages.success(request, _("已移除"))
        return redirect("campaign:supervision_group_detail", pk=group_id)


# --- contact points -----------------------------------------------------------------------------


class PointCreateView(GroupManageMixin, FormView):
    template_name = "campaign/supervision_form.html"
    form_class = forms.ContactPointForm
    tab = "points"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "group": self.object}

    def get_initial(self):
        return {"org_code": self.request.GET.get("org", "")}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("建立联系点"),
            cancel_url=reverse("campaign:supervision_group_detail", args=[self.object.pk]),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        point = run_service(
            form,
            lambda: services.create_contact_point(
                data["leader"], data["org_code"], by=self.request.user, notes=data["notes"]
            ),
        )
        if point is None:
            return self.form_invalid(form)
        messages.success(self.request, _("已建立联系点"))
        return redirect("campaign:supervision_point_detail", pk=point.pk)


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

    def get_scoped_object(self):
        return sq.get_point_or_404(self.request.user, self.kwargs["pk"])

    def check_role(self, point):
        if not sq.can_read_point(self.request.user, point):
            raise PermissionDenied


class PointDetailView(PointScopedMixin, FormView):
    """A contact point with its visit log; POST adds a visit (the leader or the managing 组织部)."""

    template_name = "campaign/supervision_point_detail.html"
    form_class = forms.VisitForm

    def post(self, request, *args, **kwargs):
        if not sq.may_log_visit(request.user, self.object):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        point = self.object
        return super().get_context_data(
            point=point,
            visits=list(point.visits.select_related("recorded_by")),
            may_log=sq.may_log_visit(self.request.user, point),
            can_manage=sq.can_manage_group(self.request.user, point.leader.group.org),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        visit = run_service(
            form, lambda: services.log_visit(self.object, by=self.request.user, date=data["date"], note=data["note"])
        )
        if visit is None:
            return self.form_invalid(form)
        messages.success(self.request, _("已记录走访情况"))
        return redirect("campaign:supervision_point_detail", pk=self.object.pk)


class PointDeleteView(PointScopedMixin, View):
    def check_role(self, point):
        if not sq.can_manage_group(self.request.user, point.leader.group.org):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        group_id = self.object.leader.group_id
        services.remove_contact_point(self.object, by=request.user)
        messages.success(request, _("已撤销联系点"))
        return redirect("campaign:supervision_group_detail", pk=group_id)


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
