"""The campaign page: phases as a timeline, milestone progress in the user's scope, manual completion, copying.

"全省开展创先争优活动……分四个步骤进行。" (seed, part 四)
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from common.errors import RefusalMixin, refusal_of
from orgs import queries
from orgs.pagination import CappedPaginator
from orgs.views.mixins import RoleRequiredMixin, ScopedObjectMixin

from ..forms.timeline import CampaignCopyForm, MarkDoneForm
from ..models import Campaign, Milestone
from ..queries import timeline as q
from ..services import timeline as services

PER_PAGE = 30


class TimelineView(RoleRequiredMixin, TemplateView):
    """The current campaign (or the one named in the URL) with its phases and, per milestone, the progress."""

    template_name = "campaign/timeline_detail.html"

    def get_campaign(self):
        code = self.kwargs.get("code")
        if code:
            return get_object_or_404(Campaign, code=code)
        campaign = services.current_campaign()
        if campaign is None:
            raise Http404("no campaign")
        return campaign

    def get_context_data(self, **kwargs):
        campaign = self.get_campaign()
        today = timezone.localdate()
        user = self.request.user
        phases = q.campaign_progress(user, campaign, today=today)
        return super().get_context_data(
            campaign=campaign,
            campaigns=Campaign.objects.only("name", "code", "start_date", "end_date"),
            phases=phases,
            today=today,
            running=campaign.is_running(today),
            current_phase=next((p.phase for p in phases if p.current), None),
            can_copy=services.may_copy_campaigns(user),
            manual_codes=services.MANUAL_MILESTONES,
            **kwargs,
        )


class MilestoneOrgsView(RoleRequiredMixin, ListView):
    """Organizations in scope that have not done a milestone (``?status=done``: those that have)."""

    template_name = "campaign/timeline_milestone_orgs.html"
    paginate_by = PER_PAGE
    paginator_class = CappedPaginator

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.milestone = get_object_or_404(
                Milestone.objects.select_related("campaign", "phase"), pk=self.kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    @property
    def show_done(self) -> bool:
        return self.request.GET.get("status") == "done"

    def get_queryset(self):
        if self.show_done:
            return q.completions(self.request.user, self.milestone)
        return q.orgs_not_done(self.request.user, self.milestone)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        milestone = self.milestone
        manual = milestone.code in services.MANUAL_MILESTONES
        phase_refusal = refusal_of(services.ensure_markable, milestone)
        markable_phase = not phase_refusal
        rows = []
        for obj in context["object_list"]:
            org = obj.org if self.show_done else obj
            rows.append(
                {
                    "org": org,
                    "done": obj if self.show_done else None,
                    "can_mark": manual and markable_phase and queries.covers(user, org, services.MARK_ROLES),
                }
            )
        params = {"status": "done"} if self.show_done else {}
        return {
            **context,
            "milestone": milestone,
            "campaign": milestone.campaign,
            "object_list": rows,
            "show_done": self.show_done,
            "manual": manual,
            "phase_refusal": phase_refusal if manual else "",
            "query": urlencode(params),
            "mark_form": MarkDoneForm(),
        }


class MilestoneMarkView(RefusalMixin, ScopedObjectMixin, View):
    """POST: confirm (or withdraw) a manual milestone for one organization.

    Outside the user's scope → 404; inside with the wrong role → 403; a phase not started → message, nothing written.
    """

    unmark = False

    def get_scoped_object(self):
        self.milestone = get_object_or_404(Milestone.objects.select_related("campaign", "phase"), pk=self.kwargs["pk"])
        return queries.get_org_or_404(self.request.user, self.kwargs["org_code"])

    def check_role(self, org):
        if not queries.covers(self.request.user, org, services.MARK_ROLES):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def get_refusal_url(self):
        return reverse("campaign:milestone_orgs", args=[self.milestone.pk])

    def post(self, request, *args, **kwargs):
        org, milestone = self.object, self.milestone
        back = self.get_refusal_url()
        if self.unmark:
            services.unmark_manual_done(milestone, org, by=request.user)
            messages.success(
                request,
                _("已撤销%(org)s“%(milestone)s”的完成登记") % {"org": org.name, "milestone": milestone.name},
            )
            return redirect(back + "?status=done")
        form = MarkDoneForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("说明不能超过200字"))
            return redirect(back)
        services.mark_manual_done(milestone, org, by=request.user, note=form.cleaned_data["note"])
        messages.success(
            request, _("已登记%(org)s完成“%(milestone)s”") % {"org": org.name, "milestone": milestone.name}
        )
        return redirect(back)


class CampaignCopyView(LoginRequiredMixin, FormView):
    """The provincial 组织部 sets up a new campaign from an old one; every date shifts with the start date."""

    template_name = "campaign/timeline_copy.html"
    form_class = CampaignCopyForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not services.may_copy_campaigns(request.user):
            raise PermissionDenied
        self.source = get_object_or_404(Campaign, code=self.kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "source": self.source}

    def get_initial(self):
        return {"name": self.source.name}

    def get_context_data(self, **kwargs):
        return super().get_context_data(source=self.source, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                campaign = services.copy_campaign(
                    self.source,
                    name=data["name"],
                    code=data["code"],
                    start_date=data["start_date"],
                    by=self.request.user,
                )
        except IntegrityError:
            form.add_error("code", _("活动代码已被使用，请换一个"))
            return self.form_invalid(form)
        messages.success(self.request, _("已创建活动“%(name)s”") % {"name": campaign.name})
        return redirect("campaign:timeline_campaign", code=campaign.code)
