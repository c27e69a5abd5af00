"""Reports upward (报省委组织部): the province sees who has reported; a city submits its own opinion.

"各市、省直有关单位在本地本部门本系统开展创先争优活动实施意见制定后，请及时报省委组织部。" (seed, part 五)
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from common.views import ServiceFormView
from orgs.views.mixins import RoleRequiredMixin, ScopedObjectMixin

from ..forms.activities import ReportForm
from ..forms.reports import ReportingBodyForm
from ..queries import activities as q
from ..services import reports as services
from .plans import selected_campaign


class ReportListView(RoleRequiredMixin, TemplateView):
    """Province: every city and provincial department, reported or not. City: its own versions and the form."""

    allowed_roles = q.REPORT_READ_ROLES
    template_name = "campaign/report_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        campaign = selected_campaign(self.request)
        roots = q.province_overview_roots(user)
        own = q.own_reporting_units(user)
        if not roots and not own:
            # A county's 组织部 or 领导小组: reports go from cities and provincial departments only.
            raise PermissionDenied
        overview = list(q.report_overview(campaign, roots)) if roots and campaign else []
        units = [
            {
                "org": org,
                "reports": list(q.reports_of(campaign, org)) if campaign else [],
                "form": ReportForm() if q.can_submit_report(user, org) else None,
            }
            for org in own
        ]
        submitted = sum(1 for row in overview if row.versions)
        return super().get_context_data(
            campaign=campaign,
            overview=overview,
            is_province=bool(roots),
            submitted=submitted,
            not_submitted=len(overview) - submitted,
            units=units,
            **kwargs,
        )


class ReportDetailView(ScopedObjectMixin, ServiceFormView):
    """One reporting unit's versions; its own 组织部 submits a new version here (POST)."""

    allowed_roles = q.REPORT_READ_ROLES
    template_name = "campaign/report_detail.html"
    form_class = ReportForm
    fetch = staticmethod(q.get_reporting_unit_or_404)
    lookup_kwarg = "code"

    def check_role(self, org):
        if not q.can_read_reports(self.request.user, org):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        org = self.object
        campaign = selected_campaign(self.request)
        can_submit = q.can_submit_report(self.request.user, org)
        kwargs.setdefault("form", ReportForm() if can_submit else None)
        return super().get_context_data(
            org=org,
            campaign=campaign,
            reports=list(q.reports_of(campaign, org)) if campaign else [],
            can_submit=can_submit,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not q.can_submit_report(request.user, self.object):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_cancel_url(self):
        return None  # the form sits on the unit's page: no cancel link

    def perform(self, data):
        fields = {name: data[name] for name in ("title", "doc_number", "doc_date", "file")}
        return services.submit_report(
            self.object, by=self.request.user, campaign=selected_campaign(self.request), **fields
        )

    def get_success_message(self, report):
        return _("已报送《%(title)s》（第 %(v)s 版）") % {"title": report.title, "v": report.version}

    def get_success_url(self, report):
        return reverse("campaign:report_detail", args=[self.object.code])


# --- the register of 省直 reporting bodies -----------------------------------------------------------------


class ProvinceRegisterMixin(RoleRequiredMixin):
    """The province's 组织部 (writes) and 领导小组 (reads); anybody else with those roles lower down: 403."""

    allowed_roles = q.REPORT_READ_ROLES

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not q.province_overview_roots(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ReportingBodyListView(ProvinceRegisterMixin, ServiceFormView):
    """省直报送单位名录: who, besides the cities, must send its implementation opinion to the province."""

    template_name = "campaign/report_units.html"
    form_class = ReportingBodyForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def post(self, request, *args, **kwargs):
        if not q.can_manage_reporting_bodies(request.user):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        can_manage = q.can_manage_reporting_bodies(user)
        if not can_manage:
            kwargs["form"] = None
        return super().get_context_data(object_list=list(q.reporting_bodies_for(user)), can_manage=can_manage, **kwargs)

    def get_cancel_url(self):
        return reverse("campaign:report_units")

    def perform(self, data):
        return services.register_reporting_body(
            data["org_code"], by=self.request.user, category=data["category"], note=data["note"]
        )

    def get_success_message(self, body):
        return _("已将%(name)s列入报送单位名录") % {"name": body.org.name}

    def get_success_url(self, body):
        return reverse("campaign:report_units")


class RegisterSystemCommitteesView(ProvinceRegisterMixin, View):
    """POST: enter every unit directly under the province that is not a city as 省直系统党（工）委."""

    http_method_names = ["post"]

    def post(self, request):
        if not q.can_manage_reporting_bodies(request.user):
            raise PermissionDenied
        created = []
        for root in q.province_overview_roots(request.user):
            created += services.register_system_committees(root, by=request.user)
        if created:
            names = "、".join(body.org.name for body in created)
            messages.success(request, _("已登记：%(names)s") % {"names": names})
        else:
            messages.info(request, _("省委直属的系统党（工）委都已在名录中"))
        return redirect("campaign:report_units")


class ReportingBodyDeleteView(ProvinceRegisterMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        body = q.reporting_bodies_for(request.user).filter(pk=pk).first()
        if body is None:
            raise Http404("no such reporting body in scope")
        if not q.can_manage_reporting_bodies(request.user):
            raise PermissionDenied
        services.remove_reporting_body(body, by=request.user)
        messages.success(request, _("已将%(name)s移出报送单位名录") % {"name": body.org.name})
        return redirect("campaign:report_units")
