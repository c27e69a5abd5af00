"""Tiers (组织档次, 晋档升级): the computed list, a computation run and its progress, one organization's tier
with its adjustment, statistics, movement between periods, and the tier targets.

Permission order everywhere: anonymous → login; outside the scope → 404; wrong role → 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from common import jobs as background
from common.errors import RefusalMixin
from orgs import queries
from orgs.pagination import CappedPaginator, query_without_page
from orgs.views.mixins import OrgPageMixin, RoleRequiredMixin

from ..enums import Source, Target, TierLevel
from ..forms.scoring import (
    StatsForm,
    TargetForm,
    TierFilterForm,
    TierOverrideForm,
)
from ..models import Period, Tier, TierRun, TierTarget
from ..queries import scoring as qs
from ..services import assessments as assessment_services
from ..services import scoring as scoring_services
from ..services import tiers as tier_services
from .scoring import PER_PAGE, SubtreeSettingView, all_periods, pick_period, previous_period

# --- tiers ------------------------------------------------------------------------------------------


class TierListView(RoleRequiredMixin, ListView):
    """The tier of each organization in scope for a period, filtered by tier and sector."""

    allowed_roles = qs.READ_ROLES
    template_name = "evaluations/scoring_tiers.html"
    paginate_by = PER_PAGE
    paginator_class = CappedPaginator

    def get(self, request, *args, **kwargs):
        self.periods = all_periods()
        self.filter_form = TierFilterForm(request.GET or None)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        self.period = data.get("period") or pick_period(self.periods, None)
        self.filters = data
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if self.period is None:
            return Tier.objects.none()
        tiers = qs.tiers_for(self.request.user).filter(period=self.period).select_related("org")
        if self.filters.get("tier"):
            tiers = tiers.filter(eff=self.filters["tier"])
        if self.filters.get("sector"):
            tiers = tiers.filter(org__sector=self.filters["sector"])
        if self.filters.get("q"):
            tiers = tiers.filter(org__name__contains=self.filters["q"])
        return tiers.order_by("org__path")

    def get_context_data(self, **kwargs):
        user = self.request.user
        manage_tops = queries.top_orgs(user, queries.MANAGE_ROLES)
        runs = []
        if self.period is not None:
            runs = [(node, tier_services.last_run(self.period, node)) for node in manage_tops]
        active = None
        run_id = self.request.GET.get("run")
        if run_id and run_id.isdigit():
            active = TierRun.objects.filter(pk=run_id, root_org__in=[n.pk for n in manage_tops]).first()
        return super().get_context_data(
            filter_form=self.filter_form,
            period=self.period,
            query=query_without_page(self.request),
            manage_tops=manage_tops,
            runs=runs,
            active_run=active,
            can_stats=queries.has_role(user, qs.STATS_ROLES),
            **kwargs,
        )


class TierComputeView(RoleRequiredMixin, View):
    """POST: queue the computation of a subtree's tiers (org_department) as a Celery task."""

    allowed_roles = queries.MANAGE_ROLES

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        node = queries.get_org_or_404(request.user, request.POST.get("node", ""))
        if not queries.can_manage(request.user, node):
            raise PermissionDenied
        period = get_object_or_404(Period, code=request.POST.get("period", ""))
        with background.watch() as watch:
            run, created = tier_services.start_computation(period, node, by=request.user)
        if created and watch.deferred:
            messages.warning(request, background.DEFERRED_MESSAGE)
        elif created:
            messages.success(
                request, _("已提交计算任务：%(org)s %(period)s") % {"org": node.name, "period": period.name}
            )
        else:
            messages.info(request, _("该范围的档次正在计算中，请稍候"))
        return redirect(reverse("evaluations:scoring_tiers") + "?" + urlencode({"period": period.code, "run": run.pk}))


class TierRunView(RoleRequiredMixin, TemplateView):
    """htmx partial: the progress of a computation run (polled while it runs)."""

    allowed_roles = queries.MANAGE_ROLES
    template_name = "evaluations/scoring_run_progress.html"

    def get_context_data(self, **kwargs):
        run = get_object_or_404(
            TierRun.objects.filter(queries.org_scope_q(self.request.user, prefix="root_org__")).select_related(
                "root_org", "period"
            ),
            pk=self.kwargs["pk"],
        )
        return super().get_context_data(run=run, **kwargs)


class TierDetailView(OrgPageMixin, RefusalMixin, RoleRequiredMixin, TemplateView):
    """One organization's tier in a period: the source scores, the rule, the override and its
    history. A superior (org_department above the organization) may override with a reason."""

    allowed_roles = qs.READ_ROLES
    template_name = "evaluations/scoring_tier_detail.html"

    def org_loaded(self):
        self.period = get_object_or_404(Period, code=self.kwargs["period"])
        self.can_override = assessment_services.is_superior(self.request.user, self.org)

    def get_context_data(self, form=None, **kwargs):
        kwargs.pop("period", None)
        kwargs.pop("code", None)
        tier = Tier.objects.filter(org=self.org, period=self.period).select_related("override_by").first()
        rule = scoring_services.rule_for(self.org, self.period)
        assessments = (
            qs.assessments_for(self.request.user)
            .filter(period=self.period, target=Target.ORG, org=self.org)
            .select_related("author")
            .order_by("source")
        )
        history = []
        if tier is not None:
            history = [
                h
                for h in tier.history.select_related("history_user", "override_by").order_by("-history_date")[:50]
                if h.override_reason
            ]
        if form is None and self.can_override:
            form = TierOverrideForm(initial={"level": tier.override if tier and tier.override else ""})
        return super().get_context_data(
            org=self.org,
            period=self.period,
            tier=tier,
            rule=rule,
            weights=[(Source(s).label, rule.weights.get(s, 0)) for s in scoring_services.SOURCES],
            assessments=assessments,
            history=history,
            form=form,
            can_override=self.can_override,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.can_override:
            raise PermissionDenied
        form = self.refusal_form = TierOverrideForm(request.POST)
        if form.is_valid():
            tier_services.override_tier(
                self.org,
                self.period,
                by=request.user,
                level=form.cleaned_data["level"] or None,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("档次已调整，调整理由已记录"))
            return redirect("evaluations:scoring_tier_detail", period=self.period.code, code=self.org.code)
        return self.render_to_response(self.get_context_data(form=form))


class StatsMixin(RoleRequiredMixin):
    """Scope (node, sector) and the two periods of the 晋档升级 pages."""

    allowed_roles = qs.STATS_ROLES

    def setup_scope(self):
        user = self.request.user
        self.form = StatsForm(self.request.GET or None, user=user, roles=self.allowed_roles)
        data = self.form.cleaned_data if self.form.is_valid() else {}
        code = data.get("node") or ""
        if code:
            self.node = queries.get_org_or_404(user, code)
            if not queries.covers(user, self.node, self.allowed_roles):
                raise PermissionDenied
        else:
            tops = queries.top_orgs(user, self.allowed_roles)
            self.node = tops[0]
        self.sector = data.get("sector") or ""
        self.periods = all_periods()
        self.period = data.get("period") or pick_period(self.periods, None)
        self.from_period = data.get("from_period") or (
            previous_period(self.periods, self.period) if self.period else None
        )
        self.tiers = qs.scope_tiers(user, self.node, sector=self.sector)

    def scope_context(self):
        return {
            "form": self.form,
            "node": self.node,
            "sector": self.sector,
            "period": self.period,
            "from_period": self.from_period,
            "periods": self.periods,
        }


class TierStatsView(StatsMixin, TemplateView):
    """Shares of each tier per period, per child node and per sector; movement between two periods;
    progress against the targets set by the superior — every figure one GROUP BY."""

    template_name = "evaluations/scoring_tier_stats.html"

    def get_context_data(self, **kwargs):
        self.setup_scope()
        shares = qs.tier_shares(self.tiers)
        share_rows = [{"period": p, **shares[p.pk]} for p in self.periods if p.pk in shares]
        context = {"share_rows": share_rows, "tier_labels": [TierLevel(t).label for t in qs.TIER_ORDER]}
        if self.period is not None:
            current = self.tiers.filter(period=self.period)
            context["children"] = qs.breakdown_by_child(current, self.node)
            context["sectors"] = qs.breakdown_by_sector(current) if not self.sector else []
        if self.period is not None and self.from_period is not None:
            matrix = qs.movement_matrix(self.tiers, self.from_period, self.period)
            context["movement"] = qs.movement_rows(matrix)
            context["progress"] = qs.target_progress(
                matrix, qs.applicable_targets(self.node, self.period, self.from_period)
            )
            context["movement_query"] = urlencode(
                {
                    "node": self.node.code,
                    "sector": self.sector,
                    "period": self.period.code,
                    "from_period": self.from_period.code,
                }
            )
        return super().get_context_data(**self.scope_context(), **context, **kwargs)


class TierMovementView(StatsMixin, ListView):
    """Who moved up (or down) between the two periods, paginated."""

    template_name = "evaluations/scoring_tier_movement.html"
    paginate_by = PER_PAGE
    paginator_class = CappedPaginator

    def get_queryset(self):
        self.setup_scope()
        self.direction = "down" if self.request.GET.get("direction") == "down" else "up"
        if self.period is None or self.from_period is None:
            return Tier.objects.none()
        return qs.movement_list(self.tiers, self.from_period, self.period, self.direction)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **self.scope_context(), direction=self.direction, query=query_without_page(self.request), **kwargs
        )


class TargetView(SubtreeSettingView):
    """晋档升级 targets the org_department sets for its subtree."""

    template_name = "evaluations/scoring_targets.html"
    nav_active = "targets"
    form_class = TargetForm
    success_url = reverse_lazy("evaluations:scoring_targets")
    success_message = gettext_lazy("目标已保存")

    def setting_rows(self):
        return (
            TierTarget.objects.filter(self.owned_in_scope())
            .select_related("owner_org", "period", "from_period", "set_by")
            .order_by("-period__start_date", "owner_org__path", "kind")
        )

    def perform(self, data):
        tier_services.set_target(
            data["owner_code"],
            data["period"],
            data["from_period"],
            kind=data["kind"],
            percent=data["percent"],
            by=self.request.user,
        )
