"""Implementation plans: list, write/edit, detail with the workflow buttons, versions and compare.

Permission order (orgs.views.mixins): anonymous → login; outside scope → 404; wrong role → 403.
"""

import difflib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from common.errors import RefusalMixin, add_to_form, status_of
from common.views import ServiceFormView
from orgs import queries
from orgs.enums import Role
from orgs.pagination import CappedPaginator, query_without_page
from orgs.views.mixins import OrgPageMixin, OrgRecordMixin, RoleRequiredMixin

from ..forms.plans import PlanFilterForm, PlanForm, ReturnForm, RevisionForm
from ..models import Campaign, Plan
from ..models.plans import PLAN_CONTENT_FIELDS
from ..queries import plans as q
from ..services import plans as services
from ..services.timeline import campaign_or_current, current_campaign

PER_PAGE = 30


def selected_campaign(request) -> Campaign | None:
    return campaign_or_current(request.GET.get("campaign"))


# --- list -----------------------------------------------------------------------------------


class PlanListView(RoleRequiredMixin, ListView):
    allowed_roles = q.READ_ROLES
    template_name = "campaign/plan_list.html"
    paginate_by = PER_PAGE
    paginator_class = CappedPaginator

    def get_queryset(self):
        user = self.request.user
        self.campaign = selected_campaign(self.request)
        self.filter_form = PlanFilterForm(self.request.GET or None)
        qs = q.plans_for(user, self.campaign).select_related("org")
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data["status"]:
                qs = qs.filter(status=data["status"])
            if data["q"]:
                term = data["q"].strip()
                qs = qs.filter(Q(org__name__contains=term) | Q(org__code__startswith=term))
            if data["pending"]:
                qs = qs.filter(q.approvable_q(user), status=Plan.Status.SUBMITTED)
        return qs.order_by("-updated_at", "-id")

    def get_context_data(self, **kwargs):
        user = self.request.user
        own_orgs = q.own_plan_orgs(user)
        own_plans = {}
        if own_orgs and self.campaign:
            own_plans = {p.org_id: p for p in Plan.objects.filter(campaign=self.campaign, org__in=own_orgs)}
        can_approve = queries.has_role(user, {Role.ORG_DEPARTMENT}) or any(
            a.role == Role.SECRETARY and not a.org.is_basic for a in queries.assignments(user)
        )
        return super().get_context_data(
            campaign=self.campaign,
            filter_form=self.filter_form,
            query=query_without_page(self.request),
            own=[(org, own_plans.get(org.pk)) for org in own_orgs],
            can_approve=can_approve,
            **kwargs,
        )


# --- one plan -------------------------------------------------------------------------------


class PlanScopedMixin(OrgRecordMixin):
    """The plan in the user's whole visible scope (404), then the view's role check (403)."""

    fetch = staticmethod(q.get_plan_or_404)
    allowed_roles = q.READ_ROLES


def detail_context(request, plan: Plan, **extra) -> dict:
    user = request.user
    writer = q.is_writer(user, plan.org)
    approver = q.is_approver(user, plan.org)
    versions = list(plan.versions.select_related("submitted_by", "decided_by").order_by("-number"))
    revision = RevisionForm(initial={"revision": plan.revision}, auto_id=False)
    context = {
        "plan": plan,
        "versions": versions,
        "is_writer": writer,
        "can_edit": writer and plan.status in (Plan.Status.DRAFT, Plan.Status.RETURNED),
        "can_decide": approver and plan.status == Plan.Status.SUBMITTED,
        "can_publish": (writer or approver) and plan.status == Plan.Status.APPROVED,
        "revision_form": revision,
        "return_form": ReturnForm(initial={"revision": plan.revision}),
        "commitment": getattr(plan, "commitment", None) if plan.status == Plan.Status.PUBLISHED else None,
    }
    context.update(extra)
    return context


class PlanDetailView(PlanScopedMixin, TemplateView):
    template_name = "campaign/plan_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**detail_context(self.request, self.object), **kwargs)


class PlanCreateView(OrgPageMixin, RoleRequiredMixin, ServiceFormView):
    """A secretary starts its organization's plan for the current campaign."""

    allowed_roles = q.WRITER_ROLES
    template_name = "campaign/plan_form.html"
    form_class = PlanForm
    success_message = gettext_lazy("实施方案草稿已保存，确认无误后请提交审批")

    def may_use_org(self, org):
        return q.is_writer(self.request.user, org)

    def org_loaded(self):
        self.campaign = current_campaign()
        if self.campaign is None:
            raise Http404("no campaign")
        existing = Plan.objects.filter(campaign=self.campaign, org=self.org).first()
        return redirect("campaign:plan_edit", pk=existing.pk) if existing is not None else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "org": self.org}

    def get_context_data(self, **kwargs):
        return super().get_context_data(org=self.org, campaign=self.campaign, **kwargs)

    def get_cancel_url(self):
        return reverse("campaign:plan_list")

    def perform(self, data):
        fields = {k: v for k, v in data.items() if k != "revision"}
        return services.create_plan(self.campaign, self.org, by=self.request.user, fields=fields)

    def get_success_url(self, plan):
        return reverse("campaign:plan_detail", args=[plan.pk])


class PlanEditView(PlanScopedMixin, ServiceFormView):
    template_name = "campaign/plan_form.html"
    form_class = PlanForm
    refusal_status = 400
    success_message = gettext_lazy("实施方案已保存")

    def check_role(self, plan):
        if not q.is_writer(self.request.user, plan.org):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        if self.object.status not in (Plan.Status.DRAFT, Plan.Status.RETURNED):
            messages.info(request, _("方案%(status)s，不能再修改") % {"status": self.object.get_status_display()})
            return redirect("campaign:plan_detail", pk=self.object.pk)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "org": self.object.org, "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.object, org=self.object.org, campaign=self.object.campaign, **kwargs)

    def get_cancel_url(self):
        return reverse("campaign:plan_detail", args=[self.object.pk])

    def perform(self, data):
        # The form wrote into the instance: reload, so the service starts from the stored row.
        plan = Plan.objects.get(pk=self.object.pk)
        fields = {k: v for k, v in data.items() if k != "revision"}
        return services.update_plan(plan, by=self.request.user, fields=fields, expected_revision=data.get("revision"))

    def get_success_url(self, plan):
        return reverse("campaign:plan_detail", args=[self.object.pk])


class PlanTransitionView(RefusalMixin, PlanScopedMixin, View):
    """POST only: one workflow step; a refusal shows the plan again with the reason (409 when somebody changed
    the plan meanwhile), nothing written."""

    success_message = ""

    def refused(self, error):
        add_to_form(self.form, error)  # a rule of a field the form has (退回原因) lands at it
        return self.refuse(form=self.form, message=self.refusal_message(error), status=status_of(error, invalid=400))

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def get_form_class(self):
        return RevisionForm

    def post(self, request, *args, **kwargs):
        form = self.form = self.get_form_class()(request.POST)
        if not form.is_valid():
            return self.refuse(form=form, message=_("请求不完整，请刷新页面后重试"))
        self.perform(form.cleaned_data)
        messages.success(request, self.success_message)
        return redirect("campaign:plan_detail", pk=self.object.pk)

    def refuse(self, *, form, message, status=400):
        plan = Plan.objects.select_related("org", "campaign").get(pk=self.object.pk)
        return render(
            self.request,
            "campaign/plan_detail.html",
            detail_context(self.request, plan, action_error=message),
            status=status,
        )


class PlanSubmitView(PlanTransitionView):
    def check_role(self, plan):
        if not q.is_writer(self.request.user, plan.org):
            raise PermissionDenied

    def perform(self, data):
        services.submit_plan(self.object, by=self.request.user, expected_revision=data["revision"])
        self.success_message = _("实施方案已提交，等待上级审批")


class PlanApproveView(PlanTransitionView):
    def check_role(self, plan):
        if not q.is_approver(self.request.user, plan.org):
            raise PermissionDenied

    def perform(self, data):
        services.approve_plan(self.object, by=self.request.user, expected_revision=data["revision"])
        self.success_message = _("已审批通过，可以向群众公布")


class PlanReturnView(PlanApproveView):
    refusal_labels = {"reason": gettext_lazy("退回原因")}

    def get_form_class(self):
        return ReturnForm

    def refuse(self, *, form, message, status=400):
        plan = Plan.objects.select_related("org", "campaign").get(pk=self.object.pk)
        extra = {"action_error": message}
        if isinstance(form, ReturnForm) and form.errors.get("reason"):
            extra = {"return_form": form, "return_open": True, "action_error": "；".join(form.errors["reason"])}
        return render(
            self.request, "campaign/plan_detail.html", detail_context(self.request, plan, **extra), status=status
        )

    def perform(self, data):
        services.return_plan(
            self.object, by=self.request.user, reason=data["reason"], expected_revision=data["revision"]
        )
        self.success_message = _("已退回，退回原因已告知该组织")


class PlanPublishView(PlanTransitionView):
    def check_role(self, plan):
        user = self.request.user
        if not (q.is_writer(user, plan.org) or q.is_approver(user, plan.org)):
            raise PermissionDenied

    def perform(self, data):
        services.publish_plan(self.object, by=self.request.user, expected_revision=data["revision"])
        self.success_message = _("实施方案已向群众公布")


# --- versions -------------------------------------------------------------------------------


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def _html(text: str):
    return mark_safe(escape(text).replace("\n", "<br>"))  # noqa: S308 - escaped just before


def diff_texts(old: str, new: str) -> tuple[str, str]:
    """Side-by-side HTML of two texts, character by character (Chinese has no spaces between words)."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    left, right = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a, b = old[i1:i2], new[j1:j2]
        if tag == "equal":
            left.append(_html(a))
            right.append(_html(b))
            continue
        if a:
            left.append(format_html('<del class="bg-danger-subtle text-danger-emphasis">{}</del>', _html(a)))
        if b:
            right.append(format_html('<ins class="bg-success-subtle text-success-emphasis">{}</ins>', _html(b)))
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 - every part escaped above


def compare_rows(old: dict, new: dict) -> list[dict]:
    rows = []
    for name in PLAN_CONTENT_FIELDS:
        a, b = _as_text(old.get(name)), _as_text(new.get(name))
        left, right = diff_texts(a, b)
        rows.append({"label": Plan._meta.get_field(name).verbose_name, "changed": a != b, "left": left, "right": right})
    return rows


class PlanCompareView(PlanScopedMixin, TemplateView):
    """Two versions side by side (``a`` and ``b`` are version numbers, or ``current`` for the working copy)."""

    template_name = "campaign/plan_compare.html"

    def get_context_data(self, **kwargs):
        plan = self.object
        versions = {v.number: v for v in plan.versions.select_related("submitted_by")}
        numbers = sorted(versions, reverse=True)
        default_b = str(numbers[0]) if numbers else "current"
        default_a = str(numbers[1]) if len(numbers) > 1 else "current"
        picked = []
        for key, default in (("a", default_a), ("b", default_b)):
            value = self.request.GET.get(key, default)
            if value == "current":
                picked.append({"key": "current", "label": _("当前内容"), "snapshot": plan.snapshot(), "version": None})
                continue
            try:
                version = versions[int(value)]
            except (KeyError, ValueError):
                raise Http404("no such version") from None
            picked.append(
                {
                    "key": str(version.number),
                    "label": _("第%(n)s版") % {"n": version.number},
                    "snapshot": version.snapshot,
                    "version": version,
                }
            )
        older, newer = picked
        options = [("current", _("当前内容"))] + [(str(n), _("第%(n)s版") % {"n": n}) for n in numbers]
        return super().get_context_data(
            plan=plan,
            older=older,
            newer=newer,
            rows=compare_rows(older["snapshot"], newer["snapshot"]),
            options=options,
            **kwargs,
        )
