"""Scoring pages: to-do assessments, the assessment form, criteria sets, source weights, the tier
list with override, tier computation runs, 晋档升级 statistics and targets.

Permission order everywhere: anonymous → login; outside the scope → 404; wrong role → 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from common import jobs as background
from common.errors import RefusalMixin, refusal_lines, refused_page, status_of
from orgs import queries
from orgs.enums import Role
from orgs.pagination import CappedPaginator
from orgs.views.mixins import RoleRequiredMixin

from .. import queries_scoring as qs
from ..enums import AssessmentStatus, Source, Target, TierLevel
from ..forms_scoring import (
    AssessmentForm,
    CriteriaCopyForm,
    CriteriaSetForm,
    CriterionFormSet,
    LevelFormSet,
    StatsForm,
    TargetForm,
    TierFilterForm,
    TierOverrideForm,
    WeightsForm,
)
from ..models import Assessment, CriteriaSet, Period, SourceWeights, Tier, TierRun, TierTarget
from ..services import assessments as assessment_services
from ..services import criteria as criteria_services
from ..services import scoring as scoring_services
from ..services import tiers as tier_services

PER_PAGE = 30
ASSESS_SOURCES = {Source.SELF, Source.SUPERIOR, Source.PEER}


def all_periods():
    return list(Period.objects.order_by("-start_date"))


def pick_period(periods, code):
    """The period with ``code`` (404 if unknown), or the latest one (None when there is none)."""
    if code:
        for period in periods:
            if period.code == code:
                return period
        raise Http404("no such period")
    return periods[0] if periods else None


def previous_period(periods, period):
    later_first = [p for p in periods if p.start_date < period.start_date]
    return later_first[0] if later_first else None


def query_without_page(request, *names):
    params = request.GET.copy()
    for name in ("page", *names):
        params.pop(name, None)
    return params.urlencode()


# --- home: what the user has to assess -----------------------------------------------------------


class ScoringHomeView(RoleRequiredMixin, TemplateView):
    """考核评议 for the user: the self-assessment of a secretary's organization, the 党员评议 to do,
    and for org_department the superior assessments of the organizations in scope."""

    template_name = "evaluations/scoring_home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        periods = all_periods()
        period = pick_period(periods, self.request.GET.get("period"))
        roles = queries.roles_of(user)
        context = {"periods": periods, "period": period, "roles": roles}
        if period is not None:
            if Role.SECRETARY in roles:
                context["own_orgs"] = list(qs.secretary_orgs(user, period))
            if Role.SECRETARY in roles or user.member_id:
                context["member_page"] = CappedPaginator(qs.members_to_review(user, period), PER_PAGE).get_page(
                    self.request.GET.get("mpage")
                )
            if Role.ORG_DEPARTMENT in roles:
                todo = qs.superior_todo(user, period)
                status = self.request.GET.get("status", "")
                if status == "todo":
                    todo = todo.filter(assessment_status=None)
                elif status in AssessmentStatus.values:
                    todo = todo.filter(assessment_status=status)
                name = (self.request.GET.get("q") or "").strip()
                if name:
                    todo = todo.filter(name__contains=name)
                context["superior_page"] = CappedPaginator(todo, PER_PAGE).get_page(self.request.GET.get("page"))
                context["show_superior"] = True
                context["status"] = status
                context["q"] = name
                context["query"] = query_without_page(self.request, "mpage")
        context["can_read_tiers"] = bool(roles & qs.READ_ROLES)
        context["can_read_stats"] = bool(roles & qs.STATS_ROLES)
        context["can_manage"] = Role.ORG_DEPARTMENT in roles
        context["status_choices"] = [("todo", _("未开始"))] + list(AssessmentStatus.choices)
        return super().get_context_data(**context, **kwargs)


# --- the assessment form ----------------------------------------------------------------------------


class AssessView(RefusalMixin, RoleRequiredMixin, FormView):
    """One assessment: a radio group of level labels per criterion with a remark, a comment;
    "保存草稿" keeps it editable, "提交" checks completeness, stores the score and locks it."""

    template_name = "evaluations/scoring_assess.html"
    form_class = AssessmentForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.source = kwargs["source"]
        if self.source not in ASSESS_SOURCES:
            raise Http404("no such source")
        self.period = get_object_or_404(Period, code=kwargs["period"])
        self.org, self.member = self.get_target()
        if not assessment_services.can_assess(request.user, self.source, org=self.org, member=self.member):
            raise PermissionDenied
        self.existing = assessment_services.find_assessment(
            self.period, self.source, org=self.org, member=self.member, author=request.user
        )
        if self.existing is not None and self.existing.status == AssessmentStatus.SUBMITTED:
            messages.info(request, _("该评价已提交并锁定，不能再修改"))
            return redirect("evaluations:scoring_assessment_detail", pk=self.existing.pk)
        target_org = self.member.org if self.member else self.org
        self.criteria_set = (
            self.existing.criteria_set
            if self.existing
            else criteria_services.applicable_set(target_org, self.period, Target.MEMBER if self.member else Target.ORG)
        )
        if self.criteria_set is None:
            messages.error(request, _("没有适用的评价标准，请联系组织部"))
            return redirect("evaluations:scoring_home")
        self.criteria = list(self.criteria_set.criteria.all())
        return super().dispatch(request, *args, **kwargs)

    def get_target(self):
        return queries.get_org_or_404(self.request.user, self.kwargs["code"]), None

    def get_initial(self):
        return {"comment": self.existing.comment} if self.existing else {}

    def get_form_kwargs(self):
        scores = {s.criterion_id: s for s in self.existing.scores.all()} if self.existing else {}
        kwargs = super().get_form_kwargs()
        return {**kwargs, "criteria_set": self.criteria_set, "criteria": self.criteria, "scores": scores}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            period=self.period,
            org=self.org,
            member=self.member,
            source_label=Source(self.source).label,
            criteria_set=self.criteria_set,
            assessment=self.existing,
            back_url=self.next_url(),
            **kwargs,
        )

    def refused(self, error):
        if isinstance(error, assessment_services.AssessmentLocked):
            return refused_page(self.request, error, reverse("evaluations:scoring_home"))
        if self.request.POST.get("action") == "submit":
            self.refusal_form.mark_missing_levels()
        return super().refused(error)

    def form_valid(self, form):
        submit = self.request.POST.get("action") == "submit"
        user = self.request.user
        with transaction.atomic():
            assessment = self.existing or assessment_services.create_assessment(
                self.period, self.source, org=self.org, member=self.member, by=user
            )
            assessment = assessment_services.save_assessment(
                assessment,
                by=user,
                levels=form.levels(),
                comments=form.notes(),
                comment=form.cleaned_data["comment"],
                submit=submit,
            )
        back = self.next_url()
        if submit:
            messages.success(self.request, _("评价已提交并锁定，得分 %(score)s") % {"score": assessment.score})
            return redirect(back or reverse("evaluations:scoring_assessment_detail", args=[assessment.pk]))
        messages.success(self.request, _("草稿已保存，提交前仍可修改"))
        return redirect(self.request.get_full_path())

    def next_url(self) -> str:
        """?next=: where the user came from (e.g. the branch's board of its members), same site only."""
        url = self.request.GET.get("next", "")
        if url and url_has_allowed_host_and_scheme(url, allowed_hosts={self.request.get_host()}):
            return url
        return ""


class OrgAssessView(AssessView):
    pass


class MemberAssessView(AssessView):
    def get_target(self):
        return None, queries.get_member_or_404(self.request.user, self.kwargs["pk"])


class AssessmentDetailView(RoleRequiredMixin, TemplateView):
    template_name = "evaluations/scoring_assessment_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        assessment = get_object_or_404(
            qs.assessments_for(user).select_related("org", "member", "criteria_set", "author", "period"),
            pk=self.kwargs["pk"],
        )
        criteria_set = assessment.criteria_set
        scores = {s.criterion_id: s for s in assessment.scores.all()}
        rows = [
            {
                "criterion": c,
                "label": criteria_set.level_label(scores[c.pk].level) if c.pk in scores else None,
                "score": scores.get(c.pk),
            }
            for c in criteria_set.criteria.all()
        ]
        privileged = queries.covers(user, assessment.org, qs.READ_ROLES) or assessment.author_id == user.pk
        editable = assessment.status == AssessmentStatus.DRAFT and assessment_services._may_edit(user, assessment)
        return super().get_context_data(
            assessment=assessment,
            rows=rows,
            show_author=privileged or assessment.source != Source.PEER,
            history=list(assessment.history.select_related("history_user").order_by("-history_date")[:20])
            if privileged
            else [],
            editable=editable,
            edit_url=_assess_url(assessment) if editable else "",
            **kwargs,
        )


def _assess_url(assessment: Assessment) -> str:
    if assessment.member_id:
        return reverse(
            "evaluations:scoring_assess_member",
            args=[assessment.period.code, assessment.member_id, assessment.source],
        )
    return reverse(
        "evaluations:scoring_assess_org", args=[assessment.period.code, assessment.org.code, assessment.source]
    )


# --- criteria sets ----------------------------------------------------------------------------------


class CriteriaListView(RoleRequiredMixin, ListView):
    template_name = "evaluations/scoring_criteria_list.html"
    context_object_name = "sets"

    def get_queryset(self):
        return (
            qs.criteria_sets_for(self.request.user)
            .annotate(n_criteria=Count("criteria"))
            .order_by("target", "owner_org__path", "-period__start_date", "code")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_manage=queries.has_role(self.request.user, queries.MANAGE_ROLES), **kwargs)


class CriteriaSetMixin(RoleRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.criteria_set = get_object_or_404(qs.criteria_sets_for(request.user), pk=kwargs["pk"])
        self.check_role()
        return super().dispatch(request, *args, **kwargs)

    def check_role(self):
        pass


class CriteriaDetailView(CriteriaSetMixin, TemplateView):
    template_name = "evaluations/scoring_criteria_detail.html"

    def get_context_data(self, **kwargs):
        owner = self.criteria_set.owner_org
        return super().get_context_data(
            criteria_set=self.criteria_set,
            criteria=list(self.criteria_set.criteria.all()),
            can_edit=owner is not None and queries.can_manage(self.request.user, owner),
            can_copy=queries.has_role(self.request.user, queries.MANAGE_ROLES),
            frozen=criteria_services.used_by_submitted(self.criteria_set),
            **kwargs,
        )


class CriteriaCopyView(RefusalMixin, CriteriaSetMixin, FormView):
    template_name = "evaluations/scoring_criteria_copy.html"
    form_class = CriteriaCopyForm

    def check_role(self):
        if not queries.has_role(self.request.user, queries.MANAGE_ROLES):
            raise PermissionDenied

    def get_initial(self):
        tops = queries.top_orgs(self.request.user, queries.MANAGE_ROLES)
        return {"owner_code": tops[0].code if tops else ""}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(criteria_set=self.criteria_set, **kwargs)

    def form_valid(self, form):
        copy = criteria_services.copy_set(
            self.criteria_set,
            owner_org=form.cleaned_data["owner_code"],
            period=form.cleaned_data["period"],
            by=self.request.user,
            name=form.cleaned_data["name"],
        )
        messages.success(self.request, _("已复制为本范围的评价标准，请按需要修改"))
        return redirect("evaluations:scoring_criteria_edit", pk=copy.pk)


class CriteriaEditView(RefusalMixin, CriteriaSetMixin, TemplateView):
    template_name = "evaluations/scoring_criteria_edit.html"
    refusal_labels = {"levels": gettext_lazy("评价等次"), "criteria": gettext_lazy("评价项目")}

    def check_role(self):
        owner = self.criteria_set.owner_org
        if owner is None or not queries.can_manage(self.request.user, owner):
            raise PermissionDenied

    def forms(self, data=None):
        cs = self.criteria_set
        criteria = list(cs.criteria.all())
        return (
            CriteriaSetForm(data, initial={"name": cs.name, "description": cs.description}),
            CriterionFormSet(
                data,
                prefix="criteria",
                initial=[
                    {"id": c.pk, "name": c.name, "description": c.description, "weight": c.weight} for c in criteria
                ],
            ),
            LevelFormSet(data, prefix="levels", initial=[dict(level) for level in cs.levels]),
        )

    def get_context_data(self, **kwargs):
        if "set_form" not in kwargs:
            kwargs["set_form"], kwargs["criteria_forms"], kwargs["level_forms"] = self.forms()
        return super().get_context_data(
            criteria_set=self.criteria_set, frozen=criteria_services.used_by_submitted(self.criteria_set), **kwargs
        )

    def refused(self, error):
        set_form, criteria_forms, level_forms = self.refusal_forms
        context = self.get_context_data(
            set_form=set_form,
            criteria_forms=criteria_forms,
            level_forms=level_forms,
            errors=refusal_lines(error, self.refusal_labels, model=CriteriaSet),
        )
        return self.render_to_response(context, status=status_of(error))

    def post(self, request, *args, **kwargs):
        set_form, criteria_forms, level_forms = self.refusal_forms = self.forms(request.POST)
        errors = []
        if set_form.is_valid() and criteria_forms.is_valid() and level_forms.is_valid():
            levels = [
                {k: f.cleaned_data[k] for k in ("key", "label", "score")}
                for f in level_forms.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            criteria_services.update_set(
                self.criteria_set,
                by=request.user,
                name=set_form.cleaned_data["name"],
                description=set_form.cleaned_data["description"],
                criteria=[f.cleaned_data for f in criteria_forms.forms],
                levels=levels,
            )
            messages.success(request, _("评价标准已保存"))
            return redirect("evaluations:scoring_criteria_detail", pk=self.criteria_set.pk)
        context = self.get_context_data(
            set_form=set_form, criteria_forms=criteria_forms, level_forms=level_forms, errors=errors
        )
        return self.render_to_response(context)


# --- source weights ---------------------------------------------------------------------------------


class WeightsView(RefusalMixin, RoleRequiredMixin, FormView):
    """综合得分的来源权重与档次分数线, per subtree and period (org_department)."""

    allowed_roles = queries.MANAGE_ROLES
    template_name = "evaluations/scoring_weights.html"
    form_class = WeightsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        tops = queries.top_orgs(self.request.user, queries.MANAGE_ROLES)
        return {"owner_code": tops[0].code if tops else ""}

    def get_context_data(self, **kwargs):
        user = self.request.user
        rows = (
            SourceWeights.objects.filter(
                Q(owner_org=None) | queries.org_scope_q(user, roles=queries.MANAGE_ROLES, prefix="owner_org__")
            )
            .select_related("owner_org", "period", "set_by")
            .order_by("target", "owner_org__path", "period__start_date")
        )
        return super().get_context_data(
            rows=rows,
            defaults=scoring_services.DEFAULT_WEIGHTS,
            thresholds=scoring_services.DEFAULT_THRESHOLDS,
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        values = {k: v for k, v in data.items() if k not in ("owner_code", "period", "target")}
        scoring_services.set_weights(
            data["owner_code"], data["period"], target=data["target"], by=self.request.user, **values
        )
        messages.success(self.request, _("权重已保存；重新计算档次后生效"))
        return redirect("evaluations:scoring_weights")


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


class TierDetailView(RefusalMixin, RoleRequiredMixin, TemplateView):
    """One organization's tier in a period: the source scores, the rule, the override and its
    history. A superior (org_department above the organization) may override with a reason."""

    allowed_roles = qs.READ_ROLES
    template_name = "evaluations/scoring_tier_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.org = queries.get_org_or_404(request.user, kwargs["code"])
        if not queries.covers(request.user, self.org, qs.READ_ROLES):
            raise PermissionDenied
        self.period = get_object_or_404(Period, code=kwargs["period"])
        self.can_override = assessment_services.is_superior(request.user, self.org)
        return super().dispatch(request, *args, **kwargs)

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


class TargetView(RefusalMixin, RoleRequiredMixin, FormView):
    """晋档升级 targets the org_department sets for its subtree."""

    allowed_roles = queries.MANAGE_ROLES
    template_name = "evaluations/scoring_targets.html"
    form_class = TargetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        tops = queries.top_orgs(self.request.user, queries.MANAGE_ROLES)
        return {"owner_code": tops[0].code if tops else ""}

    def get_context_data(self, **kwargs):
        rows = (
            TierTarget.objects.filter(
                queries.org_scope_q(self.request.user, roles=queries.MANAGE_ROLES, prefix="owner_org__")
            )
            .select_related("owner_org", "period", "from_period", "set_by")
            .order_by("-period__start_date", "owner_org__path", "kind")
        )
        return super().get_context_data(rows=rows, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        tier_services.set_target(
            data["owner_code"],
            data["period"],
            data["from_period"],
            kind=data["kind"],
            percent=data["percent"],
            by=self.request.user,
        )
        messages.success(self.request, _("目标已保存"))
        return redirect("evaluations:scoring_targets")
