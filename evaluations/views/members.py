"""The branch's own evaluation work on its members, and the member's own page.

"考核评议。上级党组织要对基层党组织、基层党组织对党员开展创先争优活动情况进行考核，并采取适当方式组织
党员、群众进行评议。" (seed, part 四 (四)); "基层党组织要在2010年“七一”前，集中一周时间，组织党员进行一次
党性分析，在职党员应撰写党性分析报告，并组织群众对党员进行评议。" (seed, part 四 (二) 1)

- ``my_assessment``: the member's own 五个模范 self-assessment for the open period (phone first);
- ``branch_members``: the board of a basic organization for a period — every member with his self,
  peer, mass and branch scores and his rating; the rating form per member; releasing the results;
- ``report_participation``: the secretary records who took part in the 党性分析 without writing.

Permission order everywhere: anonymous → login; outside the scope → 404; wrong role → 403.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from common.errors import STALE, RefusalMixin, add_to_form, kind_of, refused_page
from common.views import ServiceActionView, ServiceFormView
from orgs import queries
from orgs.models import Member
from orgs.views.mixins import OrgPageMixin, RoleRequiredMixin

from ..enums import AssessmentStatus, MemberRatingLevel, Source, Target
from ..forms.members import ParticipationForm, RatingForm
from ..forms.scoring import AssessmentForm
from ..models import (
    MemberRating,
    MemberResultsRelease,
    PartyAnalysisParticipation,
    PartyAnalysisReport,
    Period,
)
from ..queries import mass as queries_mass
from ..queries import scoring as qs
from ..services import assessments as assessment_services
from ..services import criteria as criteria_services
from ..services import ratings as rating_services
from ..services import reports as report_services
from ..services.periods import open_period
from .reports import campaign_from

BOARD_PER_PAGE = 50


def period_from(request) -> Period | None:
    """?period=code (404 when unknown), else the open period, else the latest one."""
    code = request.GET.get("period") or request.POST.get("period")
    if code:
        return get_object_or_404(Period, code=code)
    return open_period() or Period.objects.order_by("-start_date", "-pk").first()


# --- the member's own 五个模范 self-assessment ----------------------------------------------------------


class MyAssessmentView(RefusalMixin, LoginRequiredMixin, TemplateView):
    """GET: the open period's form (a level and a remark per criterion, an overall comment) or, once
    submitted, the locked result; POST: save a draft or submit. An account without a member record → 404."""

    template_name = "evaluations/my_assessment.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.member = queries.member_record(request.user)
        if self.member is None:
            raise Http404("no member record")
        self.period = open_period()
        self.assessment = None
        self.criteria_set = None
        if self.period is not None:
            self.assessment = assessment_services.find_assessment(self.period, Source.SELF, member=self.member)
            self.criteria_set = (
                self.assessment.criteria_set
                if self.assessment
                else criteria_services.applicable_set(self.member.org, self.period, Target.MEMBER)
            )
        return super().dispatch(request, *args, **kwargs)

    @property
    def locked(self) -> bool:
        return self.assessment is not None and self.assessment.status == AssessmentStatus.SUBMITTED

    def make_form(self, data=None):
        if self.criteria_set is None or self.locked:
            return None
        scores = {s.criterion_id: s for s in self.assessment.scores.all()} if self.assessment else {}
        initial = {"comment": self.assessment.comment} if self.assessment else {}
        return AssessmentForm(
            data,
            initial=initial,
            criteria_set=self.criteria_set,
            criteria=list(self.criteria_set.criteria.all()),
            scores=scores,
        )

    def get_context_data(self, form=None, **kwargs):
        rows = []
        if self.locked:
            chosen = {s.criterion_id: s for s in self.assessment.scores.all()}
            rows = [
                {
                    "criterion": c,
                    "label": self.criteria_set.level_label(chosen[c.pk].level) if c.pk in chosen else "—",
                    "comment": chosen[c.pk].comment if c.pk in chosen else "",
                }
                for c in self.criteria_set.criteria.all()
            ]
        return super().get_context_data(
            member=self.member,
            period=self.period,
            assessment=self.assessment,
            criteria_set=self.criteria_set,
            locked=self.locked,
            rows=rows,
            form=form if form is not None else self.make_form(),
            released=qs.released_results_for(self.member),
            **kwargs,
        )

    refusal_status = 400

    def refused(self, error):
        if isinstance(error, assessment_services.AssessmentLocked):
            return refused_page(self.request, error, reverse("evaluations:my_assessment"))
        if self.request.POST.get("action") == "submit":
            self.refusal_form.mark_missing_levels()
        return super().refused(error)

    def post(self, request, *args, **kwargs):
        form = self.refusal_form = self.make_form(request.POST)
        if form is None:
            if self.locked:
                messages.info(request, _("您的自评已提交并锁定，不能再修改"))
            return redirect("evaluations:my_assessment")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        submit = request.POST.get("action") == "submit"
        with transaction.atomic():
            assessment = self.assessment or assessment_services.create_assessment(
                self.period, Source.SELF, member=self.member, by=request.user
            )
            assessment_services.save_assessment(
                assessment,
                by=request.user,
                levels=form.levels(),
                comments=form.notes(),
                comment=form.cleaned_data["comment"],
                submit=submit,
            )
        messages.success(request, _("自评已提交") if submit else _("草稿已保存，提交前仍可修改"))
        return redirect("evaluations:my_assessment")


# --- the branch's board of its members ------------------------------------------------------------------


class BranchMixin(LoginRequiredMixin):
    """A basic organization by its code: visible (else 404), a basic organization (else 404), one of
    ``allowed_roles`` covering it (else 403)."""

    allowed_roles = qs.BOARD_ROLES

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load_branch()
        return super().dispatch(request, *args, **kwargs)

    def load_branch(self):
        """The organization (404 unless visible and basic), ``check_branch_role`` (403), the period (404)."""
        self.org = queries.get_org_or_404(self.request.user, self.kwargs["org_code"])
        if not self.org.is_basic:
            raise Http404("not a basic organization")
        self.check_branch_role()
        self.period = period_from(self.request)
        if self.period is None:
            raise Http404("no period")

    def check_branch_role(self):
        if not queries.covers(self.request.user, self.org, self.allowed_roles):
            raise PermissionDenied

    def board_url(self) -> str:
        url = reverse("evaluations:branch_members", args=[self.org.code])
        return f"{url}?{urlencode({'period': self.period.code})}"


class BranchMembersView(BranchMixin, TemplateView):
    """Every member of the organization (and those who moved away after it assessed or rated them) with
    the self / peer / mass / branch scores, the combined score and the level it implies, the rating,
    links to assess and rate; the rating counts and the release of the results."""

    template_name = "evaluations/branch_members.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        members = qs.board_members(self.org, self.period).select_related("org").order_by("name", "id")
        page = Paginator(members, BOARD_PER_PAGE).get_page(self.request.GET.get("page"))
        rows = qs.board_rows(self.org, self.period, list(page.object_list), user=user)
        for row in rows:
            member = row["member"]
            row["can_assess"] = not row["moved_out"] and assessment_services.can_assess(
                user, Source.SUPERIOR, member=member
            )
            row["assess_url"] = (
                reverse("evaluations:scoring_assess_member", args=[self.period.code, member.pk, Source.SUPERIOR])
                + "?"
                + urlencode({"next": self.board_url()})
            )
            row["rate_url"] = (
                reverse("evaluations:member_rating", args=[self.org.code, member.pk])
                + "?"
                + urlencode({"period": self.period.code})
            )
        counts = qs.rating_counts(self.org, self.period)
        release = (
            MemberResultsRelease.objects.filter(period=self.period, org=self.org).select_related("released_by").first()
        )
        return super().get_context_data(
            org=self.org,
            period=self.period,
            periods=Period.objects.order_by("-start_date"),
            page_obj=page,
            rows=rows,
            query=urlencode({"period": self.period.code}),
            level_counts=[(level, counts.get(level.value, 0)) for level in MemberRatingLevel],
            release=release,
            can_release=release is None and rating_services.can_release(user, self.org),
            thresholds=rating_services.RATING_THRESHOLDS,
            **kwargs,
        )


class BranchReleaseView(BranchMixin, ServiceActionView):
    """POST: publish the members' results of the period (once)."""

    success_message = gettext_lazy("已发布：本组织党员现在可以查看本人的评议结果")

    def get_success_url(self):
        return self.board_url()

    def perform(self):
        if not rating_services.can_release(self.request.user, self.org):
            raise PermissionDenied
        rating_services.release_member_results(self.org, self.period, by=self.request.user)


class MemberRatingView(BranchMixin, ServiceFormView):
    """The rating of one member of the organization for the period: the scores beside the form; a stale
    save (somebody rated him since the form was loaded) answers 409 and keeps the typed text."""

    template_name = "evaluations/member_rating.html"
    form_class = RatingForm
    allowed_roles = rating_services.RATE_ROLES

    def dispatch(self, request, *args, **kwargs):
        """BranchMixin's checks, then the form view with refusals handled."""
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load_branch()
        self.rating = self.current_rating()
        return self.with_refusals(partial(FormView.dispatch, self), request, *args, **kwargs)

    def check_branch_role(self):
        """The member (of this organization, else 404) and the rating role on him (else 403)."""
        user = self.request.user
        member = queries.members_for(user, roles=queries.ALL_ROLES).filter(pk=self.kwargs["member_id"], org=self.org)
        self.member = member.select_related("org").first()
        if self.member is None:
            raise Http404("no such member in this organization")
        if not rating_services.can_rate(user, self.member):
            raise PermissionDenied

    def current_rating(self):
        return MemberRating.objects.filter(period=self.period, member=self.member).select_related("rated_by").first()

    def get_initial(self):
        rating = self.rating
        return {
            "level": rating.level if rating else "",
            "reason": rating.reason if rating else "",
            "version": report_services.version_of(rating.updated_at if rating else None),
        }

    def get_context_data(self, **kwargs):
        row = qs.board_rows(self.org, self.period, [self.member], user=self.request.user)[0]
        history = []
        if self.rating is not None:
            history = list(self.rating.history.select_related("history_user").order_by("-history_date")[:20])
        return super().get_context_data(
            org=self.org,
            period=self.period,
            member=self.member,
            row=row,
            rating=self.rating,
            history=history,
            board_url=self.board_url(),
            thresholds=rating_services.RATING_THRESHOLDS,
            **kwargs,
        )

    def refused(self, error):
        if kind_of(error) != STALE:
            return super().refused(error)
        # Keep what the user typed; show the rating as it is now, and carry its version so that
        # saving again (after reading it) is a deliberate choice.
        self.rating = self.current_rating()
        post = self.request.POST.copy()
        post["version"] = report_services.version_of(self.rating.updated_at if self.rating else None)
        stale_form = self.form_class(post)
        stale_form.is_valid()
        add_to_form(stale_form, error)
        return self.render_to_response(self.get_context_data(form=stale_form, stale=True), status=409)

    def get_cancel_url(self):
        return self.board_url()

    def perform(self, data):
        return rating_services.rate_member(
            self.member,
            self.period,
            by=self.request.user,
            level=data["level"],
            reason=data["reason"],
            expected_updated_at=data.get("version") or "",
        )

    def get_success_message(self, rating):
        return _("已评定%(name)s为“%(level)s”") % {
            "name": self.member.name,
            "level": MemberRatingLevel(rating.level).label,
        }

    def get_success_url(self, rating=None):
        return self.board_url()


# --- 党性分析: participation recorded by the secretary --------------------------------------------------


class ParticipationView(OrgPageMixin, RoleRequiredMixin, ServiceFormView):
    """The members of one organization, whether they wrote a report or took part otherwise; the
    secretary ticks those who took part without writing (several at once) and records them."""

    allowed_roles = report_services.RECORD_ROLES
    template_name = "evaluations/report_participation.html"
    form_class = ParticipationForm
    org_kwarg = "org_code"

    def org_loaded(self):
        self.campaign = campaign_from(self.request)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "org": self.org}

    def get_context_data(self, **kwargs):
        reports = PartyAnalysisReport.objects.filter(campaign=self.campaign, member=OuterRef("pk"))
        recorded = PartyAnalysisParticipation.objects.filter(campaign=self.campaign, member=OuterRef("pk"))
        members = (
            queries.members_for(self.request.user, roles=self.allowed_roles)
            .filter(org=self.org)
            .annotate(
                report_status=Subquery(reports.values("status")[:1]),
                report_id=Subquery(reports.values("pk")[:1]),
                participation_id=Subquery(recorded.values("pk")[:1]),
                took_part_on=Subquery(recorded.values("took_part_on")[:1]),
            )
            .order_by("name", "id")
        )
        page = Paginator(members, BOARD_PER_PAGE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            org=self.org,
            campaign=self.campaign,
            window=report_services.analysis_window(self.campaign),
            page_obj=page,
            figures=report_services.coverage(Member.objects.filter(org=self.org), self.campaign),
            written_states=report_services.WRITTEN,
            status_labels=dict(PartyAnalysisReport._meta.get_field("status").choices),
            query=urlencode({"campaign": self.campaign.code}),
            **kwargs,
        )

    def get_cancel_url(self):
        return ""  # the form sits below the list it records on

    def perform(self, data):
        return report_services.record_participation(
            self.campaign,
            data["members"],
            by=self.request.user,
            took_part_on=data["took_part_on"],
            note=data["note"],
        )

    def get_success_message(self, rows):
        return _("已登记 %(n)s 名党员参加党性分析") % {"n": len(rows)}

    def get_success_url(self, rows=None):
        url = reverse("evaluations:report_participation", args=[self.org.code])
        return f"{url}?{urlencode({'campaign': self.campaign.code})}"


class ParticipationRemoveView(LoginRequiredMixin, ServiceActionView):
    """POST: undo a participation recorded by mistake (outside the user's scope: 404)."""

    def post(self, request, *args, **kwargs):
        self.row = (
            queries_mass.participations_for(request.user)
            .select_related("member", "member__org", "org", "campaign")
            .filter(pk=kwargs["pk"])
            .first()
        )
        if self.row is None:
            raise Http404("no such participation in scope")
        return super().post(request, *args, **kwargs)

    def perform(self):
        report_services.remove_participation(self.row, by=self.request.user)

    def get_success_message(self, result):
        return _("已撤销%(name)s的参加登记") % {"name": self.row.member.name}

    def get_success_url(self):
        url = reverse("evaluations:report_participation", args=[self.row.member.org.code])
        return f"{url}?{urlencode({'campaign': self.row.campaign.code})}"
