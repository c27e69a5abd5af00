"""基层党建述职评议: the list per scope with its counts, the organizations that have not reported, writing and
submitting a 述职, and the superior's 评议.

"完善基层党建述职、考核、评议制度" (seed, part 四.(二).5).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from campaign.services.attachments import attachments_of
from common.views import RecordPageFormView, ServiceFormView
from orgs import queries
from orgs.pagination import CappedPaginator, exact_count_limit
from orgs.views.mixins import OrgRecordMixin, PagedMixin, PresetOrgMixin, RoleRequiredMixin

from .. import forms, services
from .. import queries as aq
from ..models import DutyRating, DutyStatus
from .common import cleaned, top_node


class DutyListView(PagedMixin, RoleRequiredMixin, ListView):
    """The 述职 of the basic organizations under a node for one year, with the counts the 组织部 follows: counted
    exactly, or for a large subtree read from the dashboards' snapshot and labelled with the moment it was read. The
    page is read in tree order off the organizations' path index (30 rows however many there are)."""

    allowed_roles = aq.READ_ROLES
    template_name = "accountability/duty_list.html"

    def get_queryset(self):
        user, today = self.request.user, timezone.localdate()
        self.filter_form = forms.DutyFilterForm(self.request.GET or None, user=user, today=today)
        data = cleaned(self.filter_form)
        self.node = (data or {}).get("org") or top_node(user)
        self.year = (data or {}).get("year") or today.year
        qs = aq.duty_reports_for(user).select_related("org").order_by("org__path", "id")
        if data is None:
            return qs.none()
        qs = qs.filter(org__path__startswith=self.node.path, year=self.year)
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        if data.get("rating"):
            qs = qs.filter(rating=data["rating"])
        return qs

    def get_paginator(self, queryset, per_page, **kwargs):
        """Under a node of more organizations than the count's cap (one 述职 per organization and year) the planner's
        estimate is asked first: the province root's 150,000 述职 are not counted to say "334 pages +"."""
        if self.node is not None and self.node.subtree_orgs > CappedPaginator.cap:
            kwargs["estimate"] = queries.estimate_members(queryset)
        return super().get_paginator(queryset, per_page, **kwargs)

    def duty_counts(self):
        """(counts, rolled_up): counted exactly, or — for a whole subtree of more than ``exact_count_limit()``
        organizations — read from a registered source (the dashboards' snapshot), which says when it read them."""
        user = self.request.user
        node = queries.whole_subtree(user, self.allowed_roles, self.node) if self.node else None
        if node is not None and node.subtree_orgs > exact_count_limit():
            rolled_up = aq.duty_count_sources.counts(node, self.year)
            if rolled_up is not None:
                return aq.with_open_counts(rolled_up.counts), rolled_up
        return aq.duty_counts(user, self.node, self.year), None

    def get_context_data(self, **kwargs):
        counts, rolled_up = self.duty_counts()
        ratings = [(r.label, counts[r.value]) for r in DutyRating]
        return super().get_context_data(
            filter_form=self.filter_form,
            node=self.node,
            year=self.year,
            counts=counts,
            rolled_up=rolled_up,
            ratings=ratings,
            can_write=aq.duty_orgs(self.request.user).exists(),
            **kwargs,
        )


class DutyMissingView(PagedMixin, RoleRequiredMixin, ListView):
    """Basic organizations under a node that have not submitted the 述职 of a year (to follow up)."""

    allowed_roles = aq.READ_ROLES
    template_name = "accountability/duty_missing.html"

    def get_queryset(self):
        user, today = self.request.user, timezone.localdate()
        self.filter_form = forms.MissingFilterForm(self.request.GET or None, user=user, today=today)
        data = cleaned(self.filter_form)
        self.node = (data or {}).get("org") or top_node(user)
        self.year = (data or {}).get("year") or today.year
        qs = aq.orgs_without_report(user, self.node, self.year)
        return qs.none() if data is None else qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, node=self.node, year=self.year, **kwargs)


class DutyStartView(PresetOrgMixin, RoleRequiredMixin, ServiceFormView):
    """A new 述职: for the secretary's own basic organization when it has one (straight to this year's 述职 when
    it exists already), else the organization is picked."""

    allowed_roles = aq.DUTY_WRITE_ROLES
    template_name = "common/form.html"
    title = gettext_lazy("基层党建述职")
    success_message = gettext_lazy("已保存述职草稿；确认无误后请提交")

    def may_write(self, org):
        return aq.can_write_duty(self.request.user, org)

    def writable_orgs(self):
        return aq.duty_orgs(self.request.user)

    def existing_url(self, org):
        existing = org.duty_reports.filter(year=timezone.localdate().year).first()
        return reverse("accountability:duty_detail", args=[existing.pk]) if existing is not None else None

    def get_form(self, form_class=None):
        return forms.DutyStartForm(
            **self.get_form_kwargs(), user=self.request.user, today=timezone.localdate(), org=self.org
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(org=self.org, **kwargs)

    def get_cancel_url(self):
        return reverse("accountability:duty_list")

    def perform(self, data):
        fields = {name: data[name] for name in ("year", "report", "files")}
        return services.start_duty_report(data.get("org") or self.org, by=self.request.user, **fields)

    def get_success_url(self, duty):
        return reverse("accountability:duty_detail", args=[duty.pk])


class DutyScopedMixin(OrgRecordMixin):
    allowed_roles = aq.READ_ROLES
    fetch = staticmethod(aq.get_duty_report_or_404)


class DutyDetailView(DutyScopedMixin, TemplateView):
    template_name = "accountability/duty_detail.html"

    def get_context_data(self, **kwargs):
        user, duty = self.request.user, self.object
        can_edit = duty.status == DutyStatus.DRAFT and aq.can_write_duty(user, duty.org)
        rater = aq.rater_org(user, duty.org) if duty.status == DutyStatus.SUBMITTED else None
        if rater is not None:
            kwargs.setdefault("rate_form", forms.DutyRateForm())
        return super().get_context_data(
            duty=duty,
            files=list(attachments_of(duty)),
            can_edit=can_edit,
            rater=rater,
            **kwargs,
        )


class DutyEditView(DutyScopedMixin, ServiceFormView):
    """Change the draft; "提交述职" hands it in for 评议."""

    template_name = "accountability/duty_edit.html"

    def check_role(self, duty):
        if not aq.can_write_duty(self.request.user, duty.org):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        if self.object.status != DutyStatus.DRAFT:
            messages.info(request, _("该述职已提交，不能再修改"))
            return redirect("accountability:duty_detail", pk=self.object.pk)
        return super().get(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return forms.DutyEditForm(**self.get_form_kwargs())

    def get_initial(self):
        return {"report": self.object.report}

    def get_context_data(self, **kwargs):
        return super().get_context_data(duty=self.object, files=list(attachments_of(self.object)), **kwargs)

    def submitting(self) -> bool:
        return self.request.POST.get("action") == "submit"

    def get_cancel_url(self):
        return reverse("accountability:duty_detail", args=[self.object.pk])

    def perform(self, data):
        fields = {name: data[name] for name in ("report", "files")}
        return services.save_duty_report(self.object, by=self.request.user, submit=self.submitting(), **fields)

    def get_success_message(self, duty):
        return _("已提交述职，等待上级评议") if self.submitting() else _("已保存述职草稿")

    def get_success_url(self, duty):
        return reverse("accountability:duty_detail", args=[self.object.pk])


class DutyRateView(DutyScopedMixin, RecordPageFormView):
    """POST the 评议 (GET: 405); an invalid or refused one re-renders the 述职 with the error at the field."""

    form_class = forms.DutyRateForm
    success_message = gettext_lazy("已评议")

    def check_role(self, duty):
        if not aq.can_rate(self.request.user, duty):
            raise PermissionDenied

    def perform(self, data):
        return services.rate_duty_report(
            self.object, by=self.request.user, rating=data["rating"], comments=data["comments"]
        )

    def get_success_url(self, duty):
        return reverse("accountability:duty_detail", args=[self.object.pk])

    def render_refused(self, form):
        duty = self.object
        view = DutyDetailView(request=self.request, args=self.args, kwargs=self.kwargs, object=duty)
        context = view.get_context_data(rate_form=form)
        # A 述职 refused for its state (a draft, already rated) still shows the refusal with the form.
        context["rater"] = context["rater"] or aq.rater_org(self.request.user, duty.org)
        return view.render_to_response(context)
