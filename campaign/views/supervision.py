"""Supervision (督促检查) pages: overview, inspections, remarks and rectification orders (leading groups, their
members and contact points, and the sector supervisor's 本领域 view: campaign/views/groups.py).

Order of checks on every page: anonymous → login; outside the scope → 404; wrong role → 403.
"""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from common.views import RecordPageFormView, ServiceFormView
from orgs import queries
from orgs.enums import Role
from orgs.pagination import query_without_page
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


class SupervisionMixin:
    tab = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(tab=self.tab, today=timezone.localdate(), **flags(self.request.user), **kwargs)


class PagedListMixin(SupervisionMixin):
    paginate_by = PER_PAGE

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=query_without_page(self.request), **kwargs)


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


class TargetCreateView(SupervisionMixin, TargetFormMixin, RoleRequiredMixin, ServiceFormView):
    """An inspection, a remark or an order addressed to one organization (``org_code``): the fields of the form's
    ``Meta.fields`` (plus ``extra_fields`` when the form has them) go to ``service(org, by=…, **fields)``; back to
    the ``{record}_list`` on cancel, to ``{record}_detail`` when saved, with ``done_message`` % {"org": name}."""

    template_name = "campaign/supervision_form.html"
    record = ""
    service = None  # staticmethod(services.…)
    extra_fields = ("guidance_group",)
    done_message = ""

    def get_cancel_url(self):
        return reverse(f"campaign:supervision_{self.record}_list")

    def perform(self, data):
        fields = {name: data[name] for name in self.form_class.Meta.fields}
        fields.update({name: data.get(name) for name in self.extra_fields if name in data})
        return self.service(data["org_code"], by=self.request.user, **fields)

    def get_success_message(self, result):
        return self.done_message % {"org": result.org.name}

    def get_success_url(self, result):
        return reverse(f"campaign:supervision_{self.record}_detail", args=[result.pk])


class InspectionCreateView(GuidanceGroupInitialMixin, TargetCreateView):
    allowed_roles = sq.ISSUE_ROLES
    form_class = forms.InspectionForm
    tab = "inspections"
    record = "inspection"
    title = gettext_lazy("登记督促检查")
    done_message = gettext_lazy("已登记对%(org)s的督促检查")

    service = staticmethod(services.record_inspection)
    extra_fields = ("guidance_group", "files")

    def get_context_data(self, **kwargs):
        return super().get_context_data(multipart=True, **kwargs)

    def perform(self, data):
        return super().perform({**data, "files": data.get("attachments") or []})


class RecordDetailView(SupervisionMixin, ScopedObjectMixin, TemplateView):
    """One inspection, remark or rectification order: outside the user's scope 404 (``fetch``), not his to read
    403 (``may_read``: by default, whoever may read what is addressed to the record's organization)."""

    allowed_roles = sq.READ_ROLES

    def may_read(self, user, record):
        return sq.can_read_addressed(user, record.org)

    def check_role(self, record):
        if not self.may_read(self.request.user, record):
            raise PermissionDenied


class InspectionDetailView(RecordDetailView):
    template_name = "campaign/supervision_inspection_detail.html"
    tab = "inspections"
    fetch = staticmethod(sq.get_inspection_or_404)

    def may_read(self, user, inspection):
        return sq.can_read_inspection(user, inspection)

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


class RemarkCreateView(GuidanceGroupInitialMixin, TargetCreateView):
    allowed_roles = sq.REMARK_ROLES
    target_roles = sq.REMARK_ROLES
    form_class = forms.RemarkForm
    tab = "remarks"
    record = "remark"
    service = staticmethod(services.add_remark)
    title = gettext_lazy("点评下级组织")
    done_message = gettext_lazy("已点评%(org)s")


class RemarkDetailView(RecordDetailView):
    template_name = "campaign/supervision_remark_detail.html"
    tab = "remarks"
    fetch = staticmethod(sq.get_remark_or_404)

    def get_context_data(self, **kwargs):
        return super().get_context_data(remark=self.object, **kwargs)


# --- rectification orders -----------------------------------------------------------------------

ORDER_STATES = [
    ("", gettext_lazy("全部")),
    ("open", gettext_lazy("未完成")),
    ("overdue", gettext_lazy("已逾期")),
    ("responded", gettext_lazy("待验收")),
    ("verified", gettext_lazy("已验收")),
]


class OrderListView(PagedListMixin, RoleRequiredMixin, ListView):
    allowed_roles = sq.READ_ROLES
    template_name = "campaign/supervision_order_list.html"
    tab = "orders"

    def get_queryset(self):
        user = self.request.user
        self.state = self.request.GET.get("state", "")
        orders = sq.orders_for(user)
        self.counts = sq.order_counts(orders)
        self.states = ORDER_STATES
        if queries.has_role(user, sq.ISSUE_ROLES):
            # 待我验收: the answered orders this user may verify (待验收 also lists those issued above him)
            mine = sq.awaiting_verification(user)
            self.states = [*ORDER_STATES, ("mine", gettext_lazy("待我验收"))]
            self.counts["mine"] = mine.count()
            if self.state == "mine":
                orders = orders.filter(pk__in=mine.values("pk"))
        return sq.filter_orders(orders, self.state).select_related("org", "issuer_org").order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(states=self.states, state=self.state, order_counts=self.counts, **kwargs)


class OrderCreateView(TargetCreateView):
    allowed_roles = sq.ISSUE_ROLES
    form_class = forms.OrderForm
    tab = "orders"
    record = "order"
    service = staticmethod(services.issue_order)
    title = gettext_lazy("下达限期整改通知")
    done_message = gettext_lazy("已向%(org)s下达限期整改通知")


class OrderDetailView(RecordDetailView):
    template_name = "campaign/supervision_order_detail.html"
    tab = "orders"
    fetch = staticmethod(sq.get_order_or_404)

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


class OrderActionView(ScopedObjectMixin, RecordPageFormView):
    """POST only: a step of the order's life by the user ``permitted`` to take it; the form's errors and a
    refusal are shown on the order's page (a stale edit answers 409)."""

    record_view = OrderDetailView
    fetch = staticmethod(sq.get_order_or_404)
    permitted = None  # staticmethod(user, order) → bool

    def check_role(self, order):
        if not self.permitted(self.request.user, order):
            raise PermissionDenied

    def get_cancel_url(self):
        return reverse("campaign:supervision_order_detail", args=[self.object.pk])

    def get_success_url(self, result=None):
        return self.get_cancel_url()


class OrderRespondView(OrderActionView):
    """The organization's secretary reports its rectification with evidence."""

    permitted = staticmethod(sq.may_respond)
    form_class = forms.ResponseForm
    form_name = "response_form"
    success_message = gettext_lazy("整改情况已报送，等待验收")

    def perform(self, data):
        return services.respond_order(
            self.object, by=self.request.user, text=data["text"], files=data.get("attachments") or []
        )


class OrderVerifyView(OrderActionView):
    """The issuer verifies (通过 / 不通过 with a reason)."""

    permitted = staticmethod(sq.may_verify)
    form_class = forms.VerifyForm
    form_name = "verify_form"

    def perform(self, data):
        passed = data["verdict"] == "passed"
        return services.verify_order(self.object, by=self.request.user, passed=passed, reason=data["reason"])

    def get_success_message(self, order):
        return _("已验收通过") if order.status == RectificationOrder.Status.VERIFIED else _("已退回重新整改")
