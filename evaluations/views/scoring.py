"""Scoring pages: the assessments a user has to do, the assessment form and an assessment's detail (criteria
sets and weights: views/criteria.py; tiers: views/tiers.py).

Permission order everywhere: anonymous → login; outside the scope → 404; wrong role → 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from common.errors import RefusalMixin, refused_page
from common.views import ServiceFormView
from orgs import queries
from orgs.enums import Role
from orgs.pagination import CappedPaginator, query_without_page
from orgs.views.mixins import RoleRequiredMixin

from ..enums import AssessmentStatus, Source, Target
from ..forms.scoring import (
    AssessmentForm,
)
from ..models import Assessment, Period
from ..queries import scoring as qs
from ..services import assessments as assessment_services
from ..services import criteria as criteria_services

PER_PAGE = 30
ASSESS_SOURCES = {Source.SELF, Source.SUPERIOR, Source.PEER}


class SubtreeSettingView(RoleRequiredMixin, ServiceFormView):
    """A setting the 组织部 keeps for its subtree (and a period): the settings in scope above, the form below
    (evaluations/scoring_setting.html). A subclass names its rows (``setting_rows``), saves through its service
    (``perform``) and says so (``success_message``, ``success_url``)."""

    allowed_roles = queries.MANAGE_ROLES
    nav_active = ""  # the tab of scoring_nav.html

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        tops = queries.top_orgs(self.request.user, queries.MANAGE_ROLES)
        return {"owner_code": tops[0].code if tops else ""}

    def setting_rows(self):
        raise NotImplementedError

    def owned_in_scope(self) -> Q:
        """The settings (``owner_org``) of the organizations the user manages: where ``setting_rows`` start."""
        return queries.org_scope_q(self.request.user, roles=queries.MANAGE_ROLES, prefix="owner_org__")

    def get_cancel_url(self) -> str:
        return ""  # the form sits below the settings it adds to: nothing to cancel

    def get_success_url(self, result=None) -> str:
        return str(self.success_url)

    def get_context_data(self, **kwargs):
        return super().get_context_data(rows=self.setting_rows(), nav_active=self.nav_active, **kwargs)


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
