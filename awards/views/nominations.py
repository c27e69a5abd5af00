"""Nominations: write (a basic organization), list, detail with the nominee's record, each level's
review (forward / reject), withdrawal, and the owner's list (纪检 opinion, 公示, objections, approval).

Permission order (orgs.views.mixins): anonymous → login; outside scope → 404; wrong role → 403.
"""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from common.errors import RefusalMixin, form_error_text
from common.views import ChoiceFilterMixin, RecordPageFormView, ServiceActionView, ServiceFormView
from orgs import queries
from orgs.enums import OrgLevel
from orgs.views.mixins import OrgRecordMixin, ScopedObjectMixin

from ..enums import CategoryCode, NomineeKind
from ..forms.nominations import (
    DisciplineForm,
    NominatingOrgForm,
    NominationForm,
    NoteForm,
    ObjectionHandleForm,
    PublicityExtendForm,
    RejectForm,
)
from ..models import Nomination
from ..queries import nominations as q
from ..queries.basic import citable_honours
from ..services import nominations as services
from ..services import publicity as publicity_services
from ..services import quotas as quota_services
from ..services.rounds import nomination_window_error, shown_publicity_end, today
from .rounds import PER_PAGE, RoundScopedMixin

# The fields a service names, as the user knows them (a refusal shown as a message names its field).
FIELD_LABELS = {
    "nominee": gettext_lazy("推荐对象"),
    "category": gettext_lazy("表彰类别"),
    "deeds": gettext_lazy("事迹材料"),
    "cited_honours": gettext_lazy("引用的基层表彰"),
    "note": gettext_lazy("意见"),
    "result": gettext_lazy("纪检机关意见"),
    "new_end": gettext_lazy("公示结束日期"),
    "reason": gettext_lazy("原因"),
    "member": gettext_lazy("党员"),
}


class NominationListView(ChoiceFilterMixin, RoundScopedMixin, ListView):
    """Nominations of the round made in the user's subtree, by status."""

    template_name = "awards/nomination_list.html"
    context_object_name = "nominations"
    paginate_by = PER_PAGE
    choice_options = Nomination.Status.choices
    choice_in_query = True

    def get_queryset(self):
        return self.filter_by_choice(q.nomination_list(self.request.user, self.object))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            award_round=self.object,
            can_nominate=queries.has_role(self.request.user, q.NOMINATE_ROLES),
            **kwargs,
        )


class NominationCreateView(RoundScopedMixin, ServiceFormView):
    """Choose the category (and, when the user has several, the nominating organization), then nominate."""

    refusal_labels = FIELD_LABELS

    allowed_roles = q.NOMINATE_ROLES
    template_name = "awards/nomination_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_scoped_object()
        self.check_role(self.object)
        self.categories = list(self.object.categories.all())
        self.category = self.pick_category()
        self.org, self.org_form = self.pick_org()
        return self.with_refusals(partial(FormView.dispatch, self), request, *args, **kwargs)

    def pick_category(self):
        wanted = self.request.GET.get("category") or self.request.POST.get("category")
        return next((c for c in self.categories if str(c.pk) == str(wanted)), None)

    def pick_org(self):
        """The nominating organization: ?org=<code>, else the user's only basic organization."""
        user = self.request.user
        county = self.category is not None and self.category.code == CategoryCode.ADVANCED_COUNTY
        roles = q.MANAGE_ROLES if county else q.NOMINATE_ROLES
        code = self.request.GET.get("org") or self.request.POST.get("org") or ""
        form = NominatingOrgForm({"org": code} if code else None, user=user, roles=roles, award_round=self.object)
        if code:
            return (form.cleaned_data["org"], None) if form.is_valid() else (None, form)
        if county:
            tops = [o for o in queries.top_orgs(user, roles) if o.level != OrgLevel.BASIC]
            candidates = [o for o in tops if o.path.startswith(self.object.owner_org.path)]
        else:
            candidates = list(q.nominating_orgs_for(user, self.object)[:2])
        if len(candidates) == 1:
            return candidates[0], None
        return None, form

    def nominees(self):
        if self.category.nominee_kind == NomineeKind.MEMBER:
            return q.nominee_members(self.org).order_by("org_path", "name", "id")
        if self.category.code == CategoryCode.ADVANCED_COUNTY:
            return q.nominee_counties(self.org)
        return q.nominee_orgs(self.org)

    def get_form(self, form_class=None):
        if self.category is None or self.org is None:
            return None
        return NominationForm(
            **self.get_form_kwargs(),
            nominees=self.nominees(),
            member_nominees=self.category.nominee_kind == NomineeKind.MEMBER,
            honours=citable_honours(self.org) if self.category.nominee_kind == NomineeKind.MEMBER else None,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            award_round=self.object,
            categories=self.categories,
            category=self.category,
            org=self.org,
            org_form=self.org_form,
            window_error=nomination_window_error(self.object, today()),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form is None:
            return self.render_to_response(self.get_context_data(form=None))
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    def get_cancel_url(self):
        return reverse("awards:round_detail", args=[self.object.code])

    def perform(self, data):
        return services.nominate(
            self.object,
            self.category,
            nominating_org=self.org,
            nominee=data["nominee"],
            deeds=data["deeds"],
            files=data["files"],
            by=self.request.user,
            cited_honours=data.get("cited_honours") or (),
        )

    def get_success_message(self, nomination):
        return _("已推荐“%(name)s”为“%(category)s”，现由%(level)s审核") % {
            "name": nomination.nominee_name,
            "category": self.category,
            "level": nomination.current_org.name,
        }

    def get_success_url(self, nomination=None):
        return reverse("awards:nomination_detail", args=[nomination.pk])


class NominationScopedMixin(OrgRecordMixin):
    allowed_roles = q.READ_ROLES
    fetch = staticmethod(q.get_nomination_or_404)
    org_attr = "nominating_org"


class NominationDetailView(NominationScopedMixin, TemplateView):
    template_name = "awards/nomination_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        n = self.object
        attachments = list(n.attachments.order_by("pk"))
        can_review = services.can_review(user, n)
        level_summary = None
        if can_review:
            row = next(
                (r for r in quota_services.summary(n.award_round, n.current_org) if r["category"].pk == n.category_id),
                None,
            )
            level_summary = row
        can_manage_list = services.can_manage_list(user, n.award_round)
        return super().get_context_data(
            nomination=n,
            award_round=n.award_round,
            steps=list(n.steps.select_related("org", "by")),
            images=[a for a in attachments if a.is_image],
            documents=[a for a in attachments if not a.is_image],
            record=q.nominee_record(n),
            can_review=can_review,
            can_reject_listed=can_manage_list and n.status == Nomination.Status.SHORTLISTED,
            level_summary=level_summary,
            can_withdraw=services.can_withdraw(user, n),
            can_discipline=can_manage_list and n.status == Nomination.Status.SHORTLISTED,
            objections=list(n.objections.select_related("handled_by")) if can_manage_list else [],
            note_form=NoteForm(),
            reject_form=RejectForm(),
            discipline_form=DisciplineForm(initial={"result": n.discipline_result or None, "note": n.discipline_note}),
            **kwargs,
        )


class NominationActionView(RefusalMixin, NominationScopedMixin, View):
    """POST forward / reject / withdraw / discipline on one nomination; back to ``next`` or the detail."""

    refusal_labels = FIELD_LABELS

    allowed_roles = q.NOMINATE_ROLES
    action = ""

    def check_role(self, nomination):
        user = self.request.user
        allowed = {
            "forward": lambda: services.can_review(user, nomination),
            "reject": lambda: (
                services.can_review(user, nomination)
                or (
                    services.can_manage_list(user, nomination.award_round)
                    and nomination.status == Nomination.Status.SHORTLISTED
                )
            ),
            "withdraw": lambda: services.can_withdraw(user, nomination),
            "discipline": lambda: services.can_manage_list(user, nomination.award_round),
        }[self.action]
        if not allowed():
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def get_refusal_url(self):
        target = self.request.POST.get("next", "")
        if target.startswith("/awards/") and "//" not in target:
            return target
        return reverse("awards:nomination_detail", args=[self.object.pk])

    def back(self):
        return redirect(self.get_refusal_url())

    def post(self, request, *args, **kwargs):
        n = self.object
        user = request.user
        if self.action == "forward":
            form = NoteForm(request.POST)
            form.is_valid()
            held_at = n.current_org
            n = services.forward(n, by=user, note=form.cleaned_data.get("note", ""))
            if n.status == Nomination.Status.SHORTLISTED:
                text = _("已将“%(name)s”列入拟表彰名单") % {"name": n.nominee_name}
            else:
                text = _("%(level)s已将“%(name)s”上报%(above)s") % {
                    "level": held_at.name,
                    "name": n.nominee_name,
                    "above": n.current_org.name,
                }
            messages.success(request, text)
        elif self.action == "reject":
            form = RejectForm(request.POST)
            self.refusal_labels = {name: field.label for name, field in form.fields.items()}
            if not form.is_valid():
                messages.error(request, _("请填写不予上报的理由"))
                return self.back()
            services.reject(n, by=user, note=form.cleaned_data["note"])
            messages.success(request, _("已退回“%(name)s”") % {"name": n.nominee_name})
        elif self.action == "withdraw":
            form = NoteForm(request.POST)
            form.is_valid()
            services.withdraw(n, by=user, note=form.cleaned_data.get("note", ""))
            messages.success(request, _("已撤回对“%(name)s”的推荐") % {"name": n.nominee_name})
        elif self.action == "discipline":
            form = DisciplineForm(request.POST)
            # A refusal of the service names the field by the label the user saw on this form.
            self.refusal_labels = {name: field.label for name, field in form.fields.items()}
            if not form.is_valid():
                messages.error(request, form_error_text(form))
                return self.back()
            data = form.cleaned_data
            services.record_discipline(n, by=user, result=data["result"], note=data["note"], date=data["date"])
            messages.success(request, _("已记录“%(name)s”的纪检机关意见") % {"name": n.nominee_name})
        return self.back()


# ----- a level's review -----


class LevelMixin(RoundScopedMixin):
    """A level (non-basic node) of the round that the user's 组织部 role covers."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_scoped_object()
        self.org = q.get_round_org_or_404(request.user, self.object, kwargs["org"])
        if self.org.level == OrgLevel.BASIC:
            raise Http404("basic organizations do not review")
        if not queries.covers(request.user, self.org, q.MANAGE_ROLES):
            raise PermissionDenied
        return View.dispatch(self, request, *args, **kwargs)


class ReviewHomeView(RoundScopedMixin, View):
    allowed_roles = q.MANAGE_ROLES

    def get(self, request, *args, **kwargs):
        level = q.home_level(request.user, self.object)
        if level is None or not queries.covers(request.user, level, q.MANAGE_ROLES) or level.level == OrgLevel.BASIC:
            raise PermissionDenied
        return redirect("awards:review", code=self.object.code, org=level.code)


class ReviewView(LevelMixin, TemplateView):
    """What one level holds now, with forward / reject, its quota left, and what waits below it."""

    template_name = "awards/nomination_review.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        award_round = self.object
        held = list(q.held_at(award_round, self.org))
        summary = quota_services.summary(award_round, self.org)
        # A category whose quota is used up: its 审核上报 button says so beforehand instead of being refused after.
        full = {r["category"].pk: r for r in summary if r["left_to_forward"] <= 0}
        for nomination in held:
            row = full.get(nomination.category_id)
            nomination.quota_full = (
                services.quota_message(row["category"], row["quota"], row["forwarded"]) if row else ""
            )
        below = (
            Nomination.objects.filter(
                award_round=award_round,
                status=Nomination.Status.PENDING,
                current_org__path__startswith=self.org.path,
            )
            .exclude(current_org=self.org)
            .values("current_org__code", "current_org__name", "current_org__path")
            .annotate(n=Count("pk"))
            .order_by("current_org__path")
        )
        return super().get_context_data(
            award_round=award_round,
            org=self.org,
            held=held,
            below=list(below[:200]),
            summary=summary,
            is_owner=self.org.pk == award_round.owner_org_id,
            note_form=NoteForm(),
            reject_form=RejectForm(),
            here=self.request.get_full_path(),
            **kwargs,
        )


# ----- the owner's list: 纪检 opinion, 公示, objections, approval -----


class OwnerMixin(RoundScopedMixin):
    allowed_roles = q.MANAGE_ROLES

    def check_role(self, award_round):
        if not services.can_manage_list(self.request.user, award_round):
            raise PermissionDenied


class OwnerListView(OwnerMixin, TemplateView):
    template_name = "awards/nomination_shortlist.html"

    def get_context_data(self, **kwargs):
        award_round = self.object
        rows = list(q.owner_list(award_round))
        day = today()
        extend_form = kwargs.pop("extend_form", None) or PublicityExtendForm()
        objections = list(q.objections_for_round(award_round))
        refused = kwargs.pop("handle_form", None)  # bound, for one objection, when its form was invalid
        for o in objections:
            o.handle_form = refused if refused and refused.objection_pk == o.pk else ObjectionHandleForm(objection=o)
        return super().get_context_data(
            award_round=award_round,
            object_list=rows,
            shortlisted=sum(1 for r in rows if r.status == Nomination.Status.SHORTLISTED),
            in_publicity=sum(1 for r in rows if r.status == Nomination.Status.PUBLICITY),
            approved=sum(1 for r in rows if r.status == Nomination.Status.APPROVED),
            publicity_end=shown_publicity_end(award_round),
            publicity_state=publicity_services.publicity_state(award_round, day),
            approval_error=publicity_services.approval_error(award_round, day),
            objections=objections,
            discipline_form=DisciplineForm(),
            extend_form=extend_form,
            publicity_changes=list(award_round.publicity_changes.select_related("by")),
            here=self.request.get_full_path(),
            **kwargs,
        )


class PublicityExtendView(OwnerMixin, RecordPageFormView):
    """延长公示期 (POST): the end moves later with a reason; an invalid form or a refusal is shown at its field on
    the list page (400)."""

    record_view = OwnerListView
    form_name = "extend_form"
    form_class = PublicityExtendForm
    refusal_status = 400
    refusal_labels = FIELD_LABELS

    def perform(self, data):
        return publicity_services.extend_publicity(
            self.object, by=self.request.user, new_end=data["new_end"], reason=data["reason"]
        )

    def get_success_message(self, award_round):
        return _("公示期已延长至 %(end)s") % {"end": publicity_services.publicity_end(award_round).isoformat()}

    def get_success_url(self, award_round=None):
        return reverse("awards:shortlist", args=[self.object.code])


class ShortlistActionView(OwnerMixin, ServiceActionView):
    """A button on the round's list (公示, 审定): ``perform()`` answers how many nominations it moved, which the
    flash ``count_message`` names."""

    refusal_labels = FIELD_LABELS
    count_message = ""

    def get_success_message(self, n):
        return self.count_message % {"n": n}

    def get_success_url(self):
        return reverse("awards:shortlist", args=[self.object.code])


class PublicityStartView(ShortlistActionView):
    count_message = gettext_lazy("已将 %(n)s 个拟表彰对象进入公示")

    def perform(self):
        return publicity_services.start_publicity(self.object, by=self.request.user)


class ApproveListView(ShortlistActionView):
    count_message = gettext_lazy("已审定表彰名单，共 %(n)s 个")

    def perform(self):
        return publicity_services.approve_list(self.object, by=self.request.user)


class ObjectionHandleView(RefusalMixin, ScopedObjectMixin, View):
    allowed_roles = q.MANAGE_ROLES
    refusal_labels = FIELD_LABELS
    fetch = staticmethod(q.get_objection_or_404)

    def get_refusal_url(self):
        return reverse("awards:shortlist", args=[self.object.nomination.award_round.code]) + "#objections"

    def check_role(self, objection):
        if not services.can_manage_list(self.request.user, objection.nomination.award_round):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        objection = self.object
        award_round = objection.nomination.award_round
        form = ObjectionHandleForm(request.POST, objection=objection)
        if not form.is_valid():
            # the list page again, the typed words kept and the errors at their fields
            messages.error(request, _("请选择处理结果并填写处理意见"))
            page = OwnerListView(request=request, args=(), kwargs={"code": award_round.code}, object=award_round)
            return page.render_to_response(page.get_context_data(handle_form=form))
        publicity_services.handle_objection(
            objection,
            by=request.user,
            upheld=form.cleaned_data["outcome"] == "upheld",
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("已记录异议处理结果"))
        return redirect(reverse("awards:shortlist", args=[award_round.code]) + "#objections")
