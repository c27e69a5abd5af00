"""The secretary's workbench (what is due for his basic organization) and the member's 我的创先争优.

"基层党组织要具体负责本地本单位创先争优活动的组织实施。" (seed, part 五)

Permission order (orgs.views.mixins): anonymous → login; an organization outside the user's scope → 404; inside
it but not an organization the user is secretary of → 403. Every link the pages show opens for the user: a
section whose page the user's roles may not open is left out (the same role sets the target views use).
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accountability.queries import workbench_summary
from campaign.models import Plan
from campaign.services.timeline import CHINESE_ORDINALS
from evaluations.models import ReportStatus
from evaluations.queries import mass as queries_mass
from evaluations.queries.scoring import released_results_for
from evaluations.services.reports import is_required
from orgs import queries
from orgs.enums import Role
from orgs.views.mixins import RoleRequiredMixin

from . import department
from . import queries as q


def phase_label(phase) -> str:
    if phase is None:
        return ""
    return _("第%(ordinal)s步骤：%(name)s") % {
        "ordinal": CHINESE_ORDINALS.get(phase.order, str(phase.order)),
        "name": phase.name,
    }


class WorkbenchIndexView(LoginRequiredMixin, TemplateView):
    """One basic organization: straight to its workbench; several: choose one; none: 403."""

    template_name = "workbench/choose.html"

    def get(self, request, *args, **kwargs):
        orgs = q.secretary_orgs(request.user)
        if not orgs:
            raise PermissionDenied
        if len(orgs) == 1:
            return redirect("workbench:org", org_code=orgs[0].code)
        return self.render_to_response(self.get_context_data(orgs=orgs))


class WorkbenchView(LoginRequiredMixin, TemplateView):
    """One phone screen of what is due for one basic organization, every item one tap from the page that acts."""

    template_name = "workbench/org.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.org = q.workbench_org_or_error(request.user, kwargs["org_code"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user, org = self.request.user, self.org
        state = q.campaign_state()
        campaign = state.campaign
        plan = q.plan_of(org, campaign)
        periods = q.period_state(state.today)
        links = q.LinkContext(org=org, plan_url=q.plan_url(org, plan), board_url=q.board_url(org, periods.board_period))
        can_read_batches = queries.covers(user, org, queries_mass.MASS_READ_ROLES)
        return super().get_context_data(
            org=org,
            several=len(q.secretary_orgs(user)) > 1,
            state=state,
            phase_label=phase_label(state.phase),
            next_phase_label=phase_label(state.next_phase),
            horizon=q.HORIZON_DAYS,
            milestones=q.milestone_board(org, state, links),
            plan=plan,
            plan_url=links.plan_url,
            plan_editable=plan is None or plan.status in (Plan.Status.DRAFT, Plan.Status.RETURNED),
            commitments=q.commitment_board(org, campaign),
            periods=periods,
            assessments=q.assessment_board(org, periods.open),
            reports=q.report_board(org, campaign),
            batches=q.mass_batches(org) if can_read_batches else None,
            can_create_batch=queries.covers(user, org, queries_mass.MASS_MANAGE_ROLES),
            orders=q.order_board(org, state.today),
            rounds=q.open_rounds(org, state.today),
            messages_unread=q.unread_messages(user),
            accountability=workbench_summary(org, state.today),
            **kwargs,
        )


class MeView(LoginRequiredMixin, TemplateView):
    """我的创先争优: the member's own record. An account without a member record gets a page that says so (403)."""

    template_name = "workbench/me.html"

    def get(self, request, *args, **kwargs):
        member = queries.member_record(request.user)
        if member is None:
            return render(request, "workbench/no_member.html", status=403)
        return self.render_to_response(self.get_context_data(member=member))

    def get_context_data(self, **kwargs):
        user, member = self.request.user, kwargs["member"]
        state = q.campaign_state()
        campaign = state.campaign
        # Commitments and households open for the member through the ``member`` role (campaign.queries_*).
        acts_as_member = queries.has_role(user, {Role.MEMBER})
        report = q.own_report(member, campaign)
        report_url = reverse("evaluations:report_mine")
        if campaign is not None:
            report_url = q.with_query(report_url, campaign=campaign.code)
        periods = q.period_state(state.today)
        return super().get_context_data(
            periods=periods,
            self_assessment=q.own_self_assessment(member, periods.open),
            results=released_results_for(member),
            badge_entries=q.own_badges(member, state.today),
            state=state,
            report=report,
            report_required=is_required(member),
            report_url=report_url,
            report_returned=report is not None and report.status == ReportStatus.RETURNED,
            acts_as_member=acts_as_member,
            households=q.own_households(member),
            commitments=q.own_commitments(member),
            honours=q.own_honours(member),
            **kwargs,
        )


class DepartmentView(RoleRequiredMixin, TemplateView):
    """组织部工作台: what waits for an organization department in its subtree, each kind one tap from the page that
    does it (workbench/department.py). Anonymous → login; without the 组织部 role → 403."""

    allowed_roles = department.DEPARTMENT_ROLES
    template_name = "workbench/department.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        state = q.campaign_state()
        return super().get_context_data(
            orgs=department.department_orgs(user),
            state=state,
            phase_label=phase_label(state.phase),
            next_phase_label=phase_label(state.next_phase),
            board=department.department_board(user, state),
            messages_unread=q.unread_messages(user),
            **kwargs,
        )
