"""党性分析: the member writes his own report (required of 在职 members, open to all); the branch reviews
it and records who took part without writing; coverage for the secretary, org_department and the
leading group.

"基层党组织要在2010年“七一”前，集中一周时间，组织党员进行一次党性分析，在职党员应撰写党性分析报告，
并组织群众对党员进行评议。" (seed, part 四)
"""

import datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from common.errors import STALE, add_to_form, kind_of
from common.views import ServiceFormView
from orgs import queries
from orgs.enums import MemberCategory
from orgs.pagination import CappedPaginator, exact_count_limit, query_without_page
from orgs.views.mixins import RoleRequiredMixin

from .. import coverage
from ..forms.mass import ReportForm, ReviewForm
from ..models import PartyAnalysisParticipation, PartyAnalysisReport, ReportStatus
from ..queries import mass as queries_mass
from ..services import reports as services
from .mass import PER_PAGE


def campaign_from(request):
    """The campaign named by ?campaign=code, else the current one; 404 when there is none."""
    from campaign.models import Campaign
    from campaign.services.timeline import current_campaign

    code = request.GET.get("campaign")
    campaign = Campaign.objects.filter(code=code).first() if code else current_campaign()
    if campaign is None:
        raise Http404("no campaign")
    return campaign


class ReportListView(RoleRequiredMixin, ListView):
    """Every member in scope: whether the report is required of him, whether he took part, his report;
    and the coverage figures (participation of all members, written reports of the required): counted exactly, or
    for a whole subtree of more than ``exact_count_limit()`` members read from the dashboards' snapshot and
    labelled with the moment it was read (``evaluations.coverage``)."""

    allowed_roles = queries_mass.REPORT_READ_ROLES
    template_name = "evaluations/report_list.html"
    paginate_by = PER_PAGE
    paginator_class = CappedPaginator
    STATES = {
        "without": gettext_lazy("应写未提交"),
        "submitted": gettext_lazy("待审阅"),
        "accepted": gettext_lazy("已通过"),
        "returned": gettext_lazy("已退回"),
        "participated": gettext_lazy("已参加"),
        "absent": gettext_lazy("未参加"),
    }

    def get_queryset(self):
        self.campaign = campaign_from(self.request)
        members = queries_mass.analysis_members_for(self.request.user, roles=self.allowed_roles)
        self.org = None
        code = self.request.GET.get("org", "").strip()
        if code:
            self.org = queries.get_org_or_404(self.request.user, code)
            members = members.filter(org_path__startswith=self.org.path)
        self.members = members
        # The report and the recorded participation of each member are LEFT JOINs (unique per campaign and
        # member), not a sub-select per row: the page, its count and the figures stay a hash join each.
        qs = (
            services.with_campaign_rows(members, self.campaign)
            .select_related("org")
            .annotate(
                report_status=F("pa_report__status"),
                report_id=F("pa_report__id"),
                took_part_on=F("pa_recorded__took_part_on"),
            )
        )
        no_report = Q(pa_report__isnull=True)
        not_written = no_report | Q(pa_report__status__in=services.EDITABLE)
        state = self.request.GET.get("state", "")
        if state == "without":
            qs = qs.filter(services.REQUIRED_Q & not_written)
        elif state in ("submitted", "accepted", "returned"):
            qs = qs.filter(pa_report__status=state)
        elif state == "participated":
            qs = qs.filter(Q(pa_report__status__in=services.WRITTEN) | Q(pa_recorded__isnull=False))
        elif state == "absent":
            qs = qs.filter(not_written, pa_recorded__isnull=True)
        return queries.members_by_org_and_name(qs)

    def coverage_figures(self):
        """(figures, rolled_up): counted exactly, or — for a whole subtree of more than ``exact_count_limit()``
        members — read from a registered source (the dashboards' snapshot), which then says when it read them."""
        user, limit = self.request.user, exact_count_limit()
        node = queries.whole_subtree(user, self.allowed_roles, self.org)
        if node is not None and node.subtree_members > limit:
            rolled_up = coverage.coverage_sources.counts(self.campaign, node)
            if rolled_up is not None:
                return services.with_shares(rolled_up.counts), rolled_up
        tops = [self.org] if self.org else queries.top_orgs(user, self.allowed_roles)
        by_member = sum(o.subtree_members for o in tops) <= limit
        return services.coverage(self.members, self.campaign, by_member=by_member), None

    def get_context_data(self, **kwargs):
        user = self.request.user
        figures, rolled_up = self.coverage_figures()
        return super().get_context_data(
            campaign=self.campaign,
            window=services.analysis_window(self.campaign),
            figures=figures,
            rolled_up=rolled_up,
            states=self.STATES,
            state=self.request.GET.get("state", ""),
            org=self.org,
            query=query_without_page(self.request),
            status_labels=dict(ReportStatus.choices),
            written_states=services.WRITTEN,
            required_category=MemberCategory.IN_SERVICE,
            can_record=queries.has_role(user, services.RECORD_ROLES),
            **kwargs,
        )


class OwnMemberMixin(LoginRequiredMixin):
    """For the member itself: anonymous → login; an account without a member record → 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.member = queries.member_record(request.user)
        if self.member is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def revised_since_return(report) -> bool:
    """A returned report its member saved again (保存草稿) without submitting it: it stays 已退回 (only 提交审阅
    sends it back), saved later than the review that returned it. The return's own save stamps ``updated_at`` a
    moment after ``reviewed_at``, hence the second of slack."""
    return (
        report.status == ReportStatus.RETURNED
        and report.reviewed_at is not None
        and report.updated_at - report.reviewed_at > datetime.timedelta(seconds=1)
    )


class MyReportView(OwnMemberMixin, ServiceFormView):
    template_name = "evaluations/report_mine.html"
    form_class = ReportForm

    def setup_report(self):
        self.campaign = campaign_from(self.request)
        self.report = PartyAnalysisReport.objects.filter(campaign=self.campaign, member=self.member).first()
        status = self.report.status if self.report else None
        self.in_window = services.in_window(self.campaign)
        self.required = services.is_required(self.member)
        self.editable = status == ReportStatus.RETURNED or (status in (None, ReportStatus.DRAFT) and self.in_window)

    def get(self, request, *args, **kwargs):
        self.setup_report()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_report()
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        return {"content": self.report.content} if self.report else {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            campaign=self.campaign,
            report=self.report,
            window=services.analysis_window(self.campaign),
            in_window=self.in_window,
            required=self.required,
            participation=PartyAnalysisParticipation.objects.filter(campaign=self.campaign, member=self.member)
            .select_related("recorded_by")
            .first(),
            editable=self.editable,
            revising=self.report is not None and revised_since_return(self.report),
            past=PartyAnalysisReport.objects.filter(member=self.member)
            .exclude(campaign=self.campaign)
            .select_related("campaign"),
            **kwargs,
        )

    def submitting(self) -> bool:
        return "submit" in self.request.POST

    def get_cancel_url(self):
        return ""  # the member's own page: nothing to go back to

    def perform(self, data):
        return services.save_report(
            self.member, self.campaign, by=self.request.user, content=data["content"], submit=self.submitting()
        )

    def get_success_message(self, report):
        if self.submitting():
            return _("报告已提交，等待党组织审阅")
        if report.status == ReportStatus.RETURNED:
            return _("修改已保存，报告仍为“已退回”；修改完成后请点“提交审阅”")
        return _("草稿已保存")

    def get_success_url(self, report=None):
        return f"{self.request.path}?campaign={report.campaign.code}"


class ReportDetailView(LoginRequiredMixin, ServiceFormView):
    """A report: its member and anybody reading members in scope; the secretary reviews it here."""

    template_name = "evaluations/report_detail.html"
    form_class = ReviewForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.report = queries_mass.get_report_or_404(request.user, kwargs["pk"])
        self.can_review = queries.covers_member(request.user, self.report.member, queries_mass.REPORT_REVIEW_ROLES)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.can_review:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        return {"version": services.version_of(self.report.updated_at)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            report=self.report,
            required=services.is_required(self.report.member),
            can_review=self.can_review and self.report.status == ReportStatus.SUBMITTED,
            **kwargs,
        )

    def refused(self, error):
        if kind_of(error) != STALE:
            return super().refused(error)
        # Somebody reviewed it first: show the report as it is now, the typed comment kept, 409.
        form = self.refusal_form
        self.report = queries_mass.get_report_or_404(self.request.user, self.report.pk)
        add_to_form(form, error)
        context = self.get_context_data(form=form, stale=True)
        context["can_review"] = self.can_review and self.report.status == ReportStatus.SUBMITTED
        return self.render_to_response(context, status=409)

    def get_cancel_url(self):
        return ""  # the review form sits below the report it reviews

    def perform(self, data):
        return services.review_report(
            self.report,
            by=self.request.user,
            accept=data["decision"] == "accept",
            comment=data["comment"],
            expected_updated_at=data.get("version") or None,
        )

    def get_success_message(self, report):
        return _("报告已通过") if report.status == ReportStatus.ACCEPTED else _("报告已退回，党员修改后可重新提交")

    def get_success_url(self, report=None):
        return reverse("evaluations:report_detail", args=[self.report.pk])
