"""Reports upward (报省委组织部): the province sees who has reported; a city submits its own opinion.

"各市、省直有关单位在本地本部门本系统开展创先争优活动实施意见制定后，请及时报省委组织部。" (seed, part 五)
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from orgs.views.mixins import RoleRequiredMixin, ScopedObjectMixin

from .. import queries_activities as q
from ..forms_activities import ReportForm
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
        return super().get_context_data(
            campaign=campaign,
            overview=overview,
            is_province=bool(roots),
            submitted=sum(1 for row in overview if row.versions),
            units=units,
            **kwargs,
        )


class ReportDetailView(ScopedObjectMixin, TemplateView):
    """One reporting unit's versions; its own 组织部 submits a new version here (POST)."""

    allowed_roles = q.REPORT_READ_ROLES
    template_name = "campaign/report_detail.html"

    def get_scoped_object(self):
        return q.get_reporting_unit_or_404(self.request.user, self.kwargs["code"])

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
        org = self.object
        if not q.can_submit_report(request.user, org):
            raise PermissionDenied
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.submit_report(
                    org,
                    by=request.user,
                    title=data["title"],
                    doc_number=data["doc_number"],
                    doc_date=data["doc_date"],
                    file=data["file"],
                    campaign=selected_campaign(request),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("已报送《%(title)s》（第 %(v)s 版）") % {"title": report.title, "v": report.version}
                )
                return redirect("campaign:report_detail", code=org.code)
        return self.render_to_response(self.get_context_data(form=form))
