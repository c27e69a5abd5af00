"""Criteria sets (评价标准: the province's and a unit's own copies, edited by their owner) and the weights of
the assessment sources (评价权重).

Permission order everywhere: anonymous → login; outside the scope → 404; wrong role → 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from common.errors import RefusalMixin, refusal_lines, status_of
from common.views import ServiceFormView
from orgs import queries
from orgs.views.mixins import RoleRequiredMixin

from ..forms.scoring import (
    CriteriaCopyForm,
    CriteriaSetForm,
    CriterionFormSet,
    LevelFormSet,
    WeightsForm,
)
from ..models import CriteriaSet, SourceWeights
from ..queries import scoring as qs
from ..services import criteria as criteria_services
from ..services import scoring as scoring_services
from .scoring import SubtreeSettingView

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


class CriteriaCopyView(CriteriaSetMixin, ServiceFormView):
    template_name = "evaluations/scoring_criteria_copy.html"
    form_class = CriteriaCopyForm
    success_message = gettext_lazy("已复制为本范围的评价标准，请按需要修改")

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

    def get_cancel_url(self):
        return reverse("evaluations:scoring_criteria_detail", args=[self.criteria_set.pk])

    def perform(self, data):
        return criteria_services.copy_set(
            self.criteria_set,
            owner_org=data["owner_code"],
            period=data["period"],
            by=self.request.user,
            name=data["name"],
        )

    def get_success_url(self, copy=None):
        return reverse("evaluations:scoring_criteria_edit", args=[copy.pk])


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


class WeightsView(SubtreeSettingView):
    """综合得分的来源权重与档次分数线, per subtree and period (org_department)."""

    template_name = "evaluations/scoring_weights.html"
    nav_active = "weights"
    form_class = WeightsForm
    success_url = reverse_lazy("evaluations:scoring_weights")
    success_message = gettext_lazy("权重已保存；重新计算档次后生效")

    def setting_rows(self):
        return (
            SourceWeights.objects.filter(Q(owner_org=None) | self.owned_in_scope())
            .select_related("owner_org", "period", "set_by")
            .order_by("target", "owner_org__path", "period__start_date")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            defaults=scoring_services.DEFAULT_WEIGHTS, thresholds=scoring_services.DEFAULT_THRESHOLDS, **kwargs
        )

    def perform(self, data):
        values = {k: v for k, v in data.items() if k not in ("owner_code", "period", "target")}
        scoring_services.set_weights(
            data["owner_code"], data["period"], target=data["target"], by=self.request.user, **values
        )
