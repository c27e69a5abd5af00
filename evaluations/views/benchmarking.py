"""对标定位: exemplars (示范点, 先进典型), benchmarks, catch-up measures, progress, overdue measures.

"所有基层党组织和党员，都要对照本行业、本系统的先进典型，对照工作标准，查找自身差距，明确努力方向，制定跟进、
赶超的具体措施，形成比、学、赶、帮、超的浓厚氛围。" (seed, part 四, (三) 2.)
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from common.views import ServiceFormView
from orgs.pagination import query_without_page
from orgs.views.mixins import RoleRequiredMixin

from ..forms.mass import BenchmarkForm, ExemplarEditForm, ExemplarForm, MeasureForm, ProgressForm
from ..models import ExemplarKind
from ..queries import mass as queries_mass
from ..services import benchmarking as services
from .mass import PER_PAGE, MemberOrRoleMixin


class ExemplarListView(MemberOrRoleMixin, ListView):
    template_name = "evaluations/benchmark_exemplar_list.html"
    paginate_by = PER_PAGE

    def get_queryset(self):
        qs = queries_mass.exemplars_for(self.request.user).select_related(
            "org", "member", "member__org", "designated_by_org"
        )
        kind = self.request.GET.get("kind", "")
        if kind in ExemplarKind.values:
            qs = qs.filter(kind=kind)
        if self.request.GET.get("all") != "1":
            qs = qs.filter(active=True)
        return qs.order_by("-designated_at", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kinds=ExemplarKind.choices,
            kind=self.request.GET.get("kind", ""),
            query=query_without_page(self.request),
            can_designate=bool(services.designating_orgs(self.request.user)),
            **kwargs,
        )


class ExemplarCreateView(RoleRequiredMixin, ServiceFormView):
    """ "省、市、县(市、区)分别确定一批……示范点": only org_department of a province, city or county."""

    allowed_roles = queries_mass.EXEMPLAR_DESIGNATE_ROLES
    template_name = "evaluations/benchmark_exemplar_form.html"
    form_class = ExemplarForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.designating_orgs(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_cancel_url(self):
        return reverse("evaluations:exemplar_list")

    def perform(self, data):
        member = data.get("member_obj")
        return services.designate_exemplar(
            by=self.request.user,
            designated_by_org=data["designated_by_org"],
            kind=data["kind"],
            org=None if member else data["org_code"],
            member=member,
            profile=data["profile"],
        )

    def get_success_message(self, exemplar):
        return _("已确定%(kind)s：%(name)s") % {"kind": exemplar.get_kind_display(), "name": exemplar.subject_name}

    def get_success_url(self, exemplar=None):
        return reverse("evaluations:exemplar_detail", args=[exemplar.pk])


class ExemplarScopedMixin(MemberOrRoleMixin):
    def load(self):
        self.exemplar = queries_mass.get_exemplar_or_404(self.request.user, self.kwargs["pk"])


class ExemplarDetailView(ExemplarScopedMixin, TemplateView):
    template_name = "evaluations/benchmark_exemplar_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            exemplar=self.exemplar,
            can_edit=services.can_edit_exemplar(self.request.user, self.exemplar),
            benchmark_count=self.exemplar.benchmarks.count(),
            **kwargs,
        )


class ExemplarEditView(ExemplarScopedMixin, ServiceFormView):
    template_name = "evaluations/benchmark_exemplar_form.html"
    form_class = ExemplarEditForm

    def get(self, request, *args, **kwargs):
        self.check_edit()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_edit()
        return super().post(request, *args, **kwargs)

    def check_edit(self):
        if not services.can_edit_exemplar(self.request.user, self.exemplar):
            raise PermissionDenied

    def get_initial(self):
        return {"profile": self.exemplar.profile, "active": self.exemplar.active}

    def get_context_data(self, **kwargs):
        return super().get_context_data(exemplar=self.exemplar, **kwargs)

    def get_cancel_url(self):
        return reverse("evaluations:exemplar_detail", args=[self.exemplar.pk])

    def perform(self, data):
        return services.update_exemplar(
            self.exemplar, by=self.request.user, profile=data["profile"], active=data["active"]
        )

    def get_success_url(self, exemplar=None):
        return self.get_cancel_url()


def with_measure_counts(qs):
    today = timezone.localdate()
    return qs.annotate(
        measure_count=Count("measures", distinct=True),
        overdue_count=Count(
            "measures", filter=Q(measures__deadline__lt=today, measures__percent__lt=100), distinct=True
        ),
    )


class BenchmarkListView(MemberOrRoleMixin, ListView):
    template_name = "evaluations/benchmark_list.html"
    paginate_by = PER_PAGE

    def get_queryset(self):
        qs = queries_mass.benchmarks_for(self.request.user).select_related(
            "org", "member", "exemplar", "exemplar__org", "exemplar__member"
        )
        return with_measure_counts(qs).order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        form = BenchmarkForm(user=self.request.user)
        return super().get_context_data(can_create=bool(form.fields["subject"].choices), **kwargs)


class BenchmarkCreateView(MemberOrRoleMixin, ServiceFormView):
    """A member for itself, or a secretary for its organization, picks an exemplar and records gaps."""

    template_name = "evaluations/benchmark_form.html"
    form_class = BenchmarkForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not form.fields["subject"].choices:
            raise PermissionDenied
        return form

    def get_initial(self):
        return {"exemplar": self.request.GET.get("exemplar")}

    success_message = gettext_lazy("对标定位已保存，请制定赶超措施")

    def get_cancel_url(self):
        return reverse("evaluations:benchmark_list")

    def perform(self, data):
        kind, subject = data["subject"]
        return services.create_benchmark(
            by=self.request.user,
            exemplar=data["exemplar"],
            org=subject if kind == "org" else None,
            member=subject if kind == "member" else None,
            gaps=data["gaps"],
            direction=data["direction"],
        )

    def get_success_url(self, benchmark=None):
        return reverse("evaluations:benchmark_detail", args=[benchmark.pk])


class BenchmarkPageMixin:
    """The 对标定位's page: the benchmark, its measures with their progress, and the forms to add to them."""

    template_name = "evaluations/benchmark_detail.html"

    def context_for(self, benchmark, *, measure_form=None, progress_form=None, progress_measure=None):
        can_edit = services.can_edit_benchmark(self.request.user, benchmark)
        measures = list(benchmark.measures.prefetch_related("progress"))
        return {
            "benchmark": benchmark,
            "measures": measures,
            "can_edit": can_edit,
            "measure_form": measure_form or MeasureForm(),
            "progress_form": progress_form,
            "progress_measure": progress_measure,
            "blank_progress_form": ProgressForm(),
            "today": timezone.localdate(),
        }


class BenchmarkDetailView(BenchmarkPageMixin, MemberOrRoleMixin, TemplateView):
    def get_context_data(self, **kwargs):
        benchmark = queries_mass.get_benchmark_or_404(self.request.user, self.kwargs["pk"])
        return super().get_context_data(**self.context_for(benchmark), **kwargs)


class BenchmarkFormView(BenchmarkPageMixin, MemberOrRoleMixin, ServiceFormView):
    """A form of the benchmark's page posted to an address of its own (GET: 405), by whoever may edit the benchmark
    ``get_benchmark()`` finds (404 outside the scope, else 403): its errors or a refusal show the page again with
    the form (400; 409 for a stale edit)."""

    http_method_names = ["post"]
    refusal_status = 400

    def get_benchmark(self):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        self.benchmark = self.get_benchmark()
        if not services.can_edit_benchmark(request.user, self.benchmark):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def page_context(self, form) -> dict:
        raise NotImplementedError

    def form_invalid(self, form):
        return render(self.request, self.template_name, self.page_context(form), status=400)

    def get_success_url(self, result=None):
        return reverse("evaluations:benchmark_detail", args=[self.benchmark.pk])


class MeasureCreateView(BenchmarkFormView):
    form_class = MeasureForm
    success_message = gettext_lazy("已添加赶超措施")

    def get_benchmark(self):
        return queries_mass.get_benchmark_or_404(self.request.user, self.kwargs["pk"])

    def page_context(self, form):
        return self.context_for(self.benchmark, measure_form=form)

    def perform(self, data):
        return services.add_measure(self.benchmark, by=self.request.user, **data)


class ProgressCreateView(BenchmarkFormView):
    form_class = ProgressForm
    success_message = gettext_lazy("已记录进展")

    def get_benchmark(self):
        self.measure = queries_mass.get_measure_or_404(self.request.user, self.kwargs["pk"])
        return queries_mass.get_benchmark_or_404(self.request.user, self.measure.benchmark_id)

    def page_context(self, form):
        return self.context_for(self.benchmark, progress_form=form, progress_measure=self.measure)

    def perform(self, data):
        return services.add_progress(self.measure, by=self.request.user, **data)


class OverdueMeasuresView(MemberOrRoleMixin, ListView):
    """赶超措施 past their deadline and not complete, in the user's scope."""

    template_name = "evaluations/benchmark_overdue.html"
    paginate_by = PER_PAGE

    def get_queryset(self):
        return (
            services.overdue(queries_mass.measures_for(self.request.user))
            .select_related("benchmark", "benchmark__org", "benchmark__member", "benchmark__exemplar")
            .order_by("deadline", "id")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)
