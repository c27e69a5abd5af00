"""Serving the masses: 党员联系户 and service records, households with no recent contact, 干群恳谈会, the dispute
register (矛盾纠纷排查化解) with counts per organization and month.

Order of checks on every page: anonymous → login; outside the scope → 404; wrong role → 403.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from common.views import RecordPageFormView, ServiceFormView
from orgs import queries
from orgs.forms.fields import within_filter_org
from orgs.models import Org
from orgs.views.mixins import ChooseOrgMixin, OrgRecordMixin, PagedMixin, RoleRequiredMixin, ScopedObjectMixin

from ..forms import masses as forms
from ..models import DisputeCategory, DisputeOutcome
from ..queries import masses as mq
from ..services import masses as services

HOUSEHOLD_ROLES = mq.HOUSEHOLD_ROLES


def mask_phones(user, households) -> None:
    """Each household gets ``shown_phone``: in full for the secretary and 组织部 in scope, else masked."""
    for h in households:
        h.shown_phone = h.phone if queries.covers(user, h.org, mq.FULL_DATA_ROLES) else h.masked_phone


# --- the area's home page -------------------------------------------------------------------------


class MassesHomeView(RoleRequiredMixin, TemplateView):
    """联系服务群众: what the user can open here."""

    allowed_roles = HOUSEHOLD_ROLES
    template_name = "masswork/masses_home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            can_read=queries.has_role(user, mq.READ_ROLES),
            can_write=queries.has_role(user, mq.WRITE_ROLES),
            can_no_contact=queries.has_role(user, mq.NO_CONTACT_ROLES),
            is_member=queries.own_member(user) is not None,
            is_instructor=queries.has_role(user, queries.GUIDE_ROLES),
            can_manage=queries.has_role(user, queries.MANAGE_ROLES),
            days=mq.DEFAULT_NO_CONTACT_DAYS,
            **kwargs,
        )


# --- households -----------------------------------------------------------------------------------


class HouseholdListView(PagedMixin, RoleRequiredMixin, ListView):
    allowed_roles = HOUSEHOLD_ROLES
    template_name = "masswork/masses_household_list.html"

    def get_queryset(self):
        user = self.request.user
        self.filter_form = forms.HouseholdFilterForm(self.request.GET or None, user=user, roles=mq.READ_ROLES)
        qs = mq.household_list(user).prefetch_related("members")
        qs = within_filter_org(qs, user, self.filter_form, mq.READ_ROLES)
        text = (self.filter_form.cleaned_data.get("q") or "").strip() if self.filter_form.is_valid() else ""
        if text:
            qs = qs.filter(Q(head_name__contains=text) | Q(village__contains=text))
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            filter_form=self.filter_form,
            can_write=queries.has_role(self.request.user, mq.WRITE_ROLES),
            can_no_contact=queries.has_role(self.request.user, mq.NO_CONTACT_ROLES),
            **kwargs,
        )
        mask_phones(self.request.user, context["object_list"])
        return context


class RecordFormView(ServiceFormView):
    """A record's form on a page of its own whose valid POST calls one service (``perform(data)``, returning the
    record): then the flash ``get_success_message(record)`` and the record's page (the URL named
    ``detail_url_name``). The cancel link goes to the list named ``cancel_url_name``."""

    template_name = "campaign/choose_org_form.html"
    cancel_url_name = ""
    detail_url_name = ""

    def get_cancel_url(self) -> str:
        return reverse(self.cancel_url_name)

    def get_success_url(self, record) -> str:
        return reverse(self.detail_url_name, args=[record.pk])


class OrgRecordCreateView(ChooseOrgMixin, RoleRequiredMixin, RecordFormView):
    """A new record of the organization picked first (``ChooseOrgMixin``) by a writer of the registers: the form's
    data go to ``record(org, by=…, **data)``, the service."""

    allowed_roles = mq.WRITE_ROLES
    record = None  # staticmethod(org, *, by, **fields) → the record

    def perform(self, data):
        return self.record(self.org, by=self.request.user, **data)


class HouseholdCreateView(ChooseOrgMixin, RoleRequiredMixin, RecordFormView):
    allowed_roles = mq.WRITE_ROLES
    basic_only = True
    title = gettext_lazy("登记党员联系户")
    cancel_url_name = "masswork:household_list"
    detail_url_name = "masswork:household_detail"

    def get_form(self, form_class=None):
        if self.org is None:
            return None
        return forms.HouseholdForm(**self.get_form_kwargs(), org=self.org)

    def perform(self, data):
        fields = {name: data[name] for name in services.HOUSEHOLD_FIELDS}
        return services.create_household(self.org, by=self.request.user, members=data["members"], **fields)

    def get_success_message(self, household):
        return _("已登记联系户“%(name)s”") % {"name": household.head_name}


class HouseholdScopedMixin(ScopedObjectMixin):
    fetch = staticmethod(mq.get_household_or_404)

    def check_role(self, household):
        if not mq.can_read_household(self.request.user, household):
            raise PermissionDenied


class HouseholdDetailView(HouseholdScopedMixin, TemplateView):
    template_name = "masswork/masses_household_detail.html"
    SERVICES_SHOWN = 100

    def get_context_data(self, **kwargs):
        user = self.request.user
        household = self.object
        can_record = mq.can_record_service(user, household)
        is_secretary = queries.covers(user, household.org, mq.SERVICE_ROLES)
        service_form = kwargs.pop("service_form", None)
        if can_record and service_form is None:
            service_form = forms.ServiceForm(household=household, choose_member=is_secretary)
        services_qs = household.services.select_related("member", "recorded_by").order_by("-date", "-id")
        return super().get_context_data(
            household=household,
            phone=household.phone if mq.can_see_full_household(user, household) else household.masked_phone,
            members=list(household.members.order_by("name", "id")),
            services=list(services_qs[: self.SERVICES_SHOWN]),
            can_write=mq.can_write_household(user, household.org),
            service_form=service_form if can_record else None,
            **kwargs,
        )


class HouseholdEditView(HouseholdScopedMixin, RecordFormView):
    cancel_url_name = "masswork:household_list"
    detail_url_name = "masswork:household_detail"
    success_message = gettext_lazy("已保存修改")

    def check_role(self, household):
        if not mq.can_write_household(self.request.user, household.org):
            raise PermissionDenied

    def get_form(self, form_class=None):
        return forms.HouseholdForm(**self.get_form_kwargs(), instance=self.object, org=self.object.org)

    def get_context_data(self, **kwargs):
        title = _("修改联系户：%(name)s") % {"name": self.object.head_name}
        return super().get_context_data(title=title, org=self.object.org, **kwargs)

    def perform(self, data):
        fields = {name: data[name] for name in services.HOUSEHOLD_FIELDS}
        return services.update_household(self.object, by=self.request.user, fields=fields, members=data["members"])


class ServiceCreateView(HouseholdScopedMixin, RecordPageFormView):
    """POST a service record (the form sits on the household's page)."""

    http_method_names = View.http_method_names  # a GET goes to the household's page
    record_view = HouseholdDetailView
    form_name = "service_form"

    def check_role(self, household):
        if not mq.can_record_service(self.request.user, household):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        return redirect("masswork:household_detail", pk=self.object.pk)

    def get_form(self, form_class=None):
        is_secretary = queries.covers(self.request.user, self.object.org, mq.SERVICE_ROLES)
        return forms.ServiceForm(**self.get_form_kwargs(), household=self.object, choose_member=is_secretary)

    def perform(self, data):
        fields = {name: data[name] for name in ("kind", "date", "content", "outcome")}
        return services.record_service(self.object, by=self.request.user, member=data.get("member"), **fields)

    def get_success_message(self, record):
        return _("已记录对“%(name)s”的服务") % {"name": self.object.head_name}

    def get_success_url(self, record):
        return reverse("masswork:household_detail", args=[self.object.pk])


class NoContactView(PagedMixin, RoleRequiredMixin, ListView):
    """Households with no contact for N days (default 30, ``?days=``): "a secretary sees which households
    have had no contact for N days" — one aggregate query, paginated."""

    allowed_roles = mq.NO_CONTACT_ROLES
    template_name = "masswork/masses_no_contact.html"

    def get_queryset(self):
        self.form = forms.NoContactForm(self.request.GET or None)
        self.days = mq.DEFAULT_NO_CONTACT_DAYS
        if self.form.is_bound and self.form.is_valid():
            self.days = self.form.cleaned_data["days"]
        return mq.no_contact(self.request.user, days=self.days)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        context = super().get_context_data(
            form=self.form, days=self.days, cutoff=today - datetime.timedelta(days=self.days), **kwargs
        )
        mask_phones(self.request.user, context["object_list"])
        return context


# --- 干群恳谈会 ------------------------------------------------------------------------------------


class MeetingListView(PagedMixin, RoleRequiredMixin, ListView):
    allowed_roles = mq.READ_ROLES
    template_name = "masswork/masses_meeting_list.html"

    def get_queryset(self):
        return mq.meetings_for(self.request.user).select_related("org").order_by("-date", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_write=queries.has_role(self.request.user, mq.WRITE_ROLES), **kwargs)


class MeetingCreateView(OrgRecordCreateView):
    form_class = forms.MeetingForm
    title = gettext_lazy("记录干群恳谈会")
    cancel_url_name = "masswork:meeting_list"
    detail_url_name = "masswork:meeting_detail"
    success_message = gettext_lazy("已记录干群恳谈会")
    record = staticmethod(services.record_meeting)


class MeetingDetailView(OrgRecordMixin, TemplateView):
    template_name = "masswork/masses_meeting_detail.html"
    fetch = staticmethod(mq.get_meeting_or_404)
    allowed_roles = mq.READ_ROLES

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.object, **kwargs)


# --- 矛盾纠纷排查化解 --------------------------------------------------------------------------------


class DisputeListView(PagedMixin, RoleRequiredMixin, ListView):
    allowed_roles = mq.READ_ROLES
    template_name = "masswork/masses_dispute_list.html"

    def get_queryset(self):
        user = self.request.user
        self.filter_form = forms.DisputeFilterForm(self.request.GET or None, user=user, roles=mq.READ_ROLES)
        qs = mq.disputes_for(user).select_related("org").order_by("-found_on", "-id")
        qs = within_filter_org(qs, user, self.filter_form, mq.READ_ROLES)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        if data.get("category"):
            qs = qs.filter(category=data["category"])
        outcome = data.get("outcome")
        if outcome == "pending":
            qs = qs.filter(outcome=DisputeOutcome.PENDING)
        elif outcome:
            qs = qs.filter(outcome=outcome)
        return qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form, can_write=queries.has_role(self.request.user, mq.WRITE_ROLES), **kwargs
        )


class DisputeCreateView(OrgRecordCreateView):
    form_class = forms.DisputeForm
    title = gettext_lazy("登记矛盾纠纷")
    cancel_url_name = "masswork:dispute_list"
    detail_url_name = "masswork:dispute_detail"
    success_message = gettext_lazy("已登记矛盾纠纷")
    record = staticmethod(services.record_dispute)


class DisputeScopedMixin(OrgRecordMixin):
    fetch = staticmethod(mq.get_dispute_or_404)
    allowed_roles = mq.READ_ROLES


class DisputeDetailView(DisputeScopedMixin, TemplateView):
    template_name = "masswork/masses_dispute_detail.html"

    def get_context_data(self, **kwargs):
        dispute = self.object
        can_write = mq.can_write_org(self.request.user, dispute.org) and not dispute.closed
        if can_write:
            kwargs.setdefault("step_form", forms.DisputeStepForm())
            kwargs.setdefault("outcome_form", forms.DisputeOutcomeForm())
        return super().get_context_data(
            dispute=dispute,
            steps=list(dispute.steps.select_related("recorded_by")),
            can_write=can_write,
            **kwargs,
        )


class DisputeActionView(DisputeScopedMixin, RecordPageFormView):
    """POST a handling step or the outcome (GET: 405); a refused one re-renders the dispute's page with the
    error."""

    record_view = DisputeDetailView

    def check_role(self, dispute):
        if not mq.can_write_org(self.request.user, dispute.org):
            raise PermissionDenied

    def get_success_url(self, result):
        return reverse("masswork:dispute_detail", args=[self.object.pk])


class DisputeStepView(DisputeActionView):
    form_class = forms.DisputeStepForm
    form_name = "step_form"
    success_message = gettext_lazy("已记录处理措施")

    def perform(self, data):
        return services.add_dispute_step(self.object, by=self.request.user, date=data["date"], action=data["action"])


class DisputeOutcomeView(DisputeActionView):
    form_class = forms.DisputeOutcomeForm
    form_name = "outcome_form"
    success_message = gettext_lazy("已登记处理结果")

    def perform(self, data):
        return services.set_dispute_outcome(
            self.object,
            by=self.request.user,
            outcome=data["outcome"],
            date=data["outcome_on"],
            note=data["outcome_note"],
        )


class DisputeStatsView(RoleRequiredMixin, TemplateView):
    """Counts per organization (one level below the chosen node) and month: one GROUP BY."""

    allowed_roles = mq.READ_ROLES
    template_name = "masswork/masses_dispute_stats.html"

    def parent_in_scope(self, node):
        parent = Org.objects.filter(path=node.path[: -Org.steplen]).first() if node.depth > 1 else None
        if parent is not None and queries.covers(self.request.user, parent, mq.READ_ROLES):
            return parent
        return None

    def get_context_data(self, **kwargs):
        user = self.request.user
        code = (self.request.GET.get("org") or "").strip()
        if code:
            node = queries.get_org_or_404(user, code)
            if not queries.covers(user, node, mq.READ_ROLES):
                raise PermissionDenied
        else:
            node = queries.top_orgs(user, mq.READ_ROLES)[0]
        years = mq.dispute_years(user, node)
        year = self.request.GET.get("year", "")
        year = int(year) if year.isdigit() and int(year) in years else (years[0] if years else None)
        rows = mq.dispute_counts(user, node, year=year)
        totals = {key: sum(r[key] for r in rows) for key in ("found", "resolved", "escalated", "unresolved", "pending")}
        return super().get_context_data(
            node=node,
            rows=rows,
            totals=totals,
            years=years,
            year=year,
            parent=self.parent_in_scope(node),
            categories=DisputeCategory.choices,
            **kwargs,
        )
