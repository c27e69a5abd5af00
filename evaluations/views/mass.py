"""群众评议 for org_department, the leading group and the secretary of a basic organization (member batches of
its own organization): batches, the QR sheet, paper tallies, closing early, results.

"各领域、各行业、各单位开展创先争优活动，要让广大群众充分参与到活动中来，主动听取群众意见建议，接受群众监督。"
(seed, part 三)
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from common import jobs as background
from common.errors import RefusalMixin
from common.subqueries import count_per_row
from common.views import ServiceActionView, ServiceFormView, stored_file_response
from orgs import queries
from orgs.views.mixins import RoleRequiredMixin, ScopedObjectMixin

from ..enums import Target
from ..forms.mass import MassBatchForm, TallyForm
from ..models import MassBatchStatus, MassToken
from ..queries import mass as queries_mass
from ..services import mass as services

PER_PAGE = 30


class MemberOrRoleMixin(LoginRequiredMixin):
    """Pages for anybody with a role or a member record: anonymous → login, neither → 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not queries.has_role(request.user) and queries.member_record(request.user) is None:
            raise PermissionDenied
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        """Look up the page's object (404 outside the scope) once the user is known to be allowed in."""


class MassIndexView(MemberOrRoleMixin, TemplateView):
    """群众评议、党性分析、对标定位: what the user may do here, by role."""

    template_name = "evaluations/mass_index.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        can_read = queries.has_role(user, queries_mass.MASS_READ_ROLES)
        return super().get_context_data(
            can_read_batches=can_read,
            can_manage_batches=queries.has_role(user, queries_mass.MASS_MANAGE_ROLES),
            recent_batches=list(batch_list_queryset(user)[:RECENT]) if can_read else [],
            branch_orgs=list(
                queries.orgs_for(user, roles=queries_mass.MASS_BRANCH_ROLES).filter(level="basic").order_by("path")[:20]
            ),
            can_read_reports=queries.has_role(user, queries_mass.REPORT_READ_ROLES),
            own_member=queries.member_record(user),
            **kwargs,
        )


RECENT = 5


def batch_list_queryset(user):
    """The batches the user may read, newest first, with the tokens used (participation): one query."""
    used_tokens = count_per_row(MassToken.objects.filter(batch=OuterRef("pk"), used_at__isnull=False), "batch")
    return (
        queries_mass.readable_batches_for(user)
        .select_related("org", "period", "criteria_set")
        .annotate(used=used_tokens)
        .order_by("-created_at", "-id")
    )


class BatchListView(RoleRequiredMixin, ListView):
    """Every batch the user reads; a secretary sees the member batches of its own organizations."""

    allowed_roles = queries_mass.MASS_READ_ROLES
    template_name = "evaluations/mass_batch_list.html"
    paginate_by = PER_PAGE

    def get_queryset(self):
        return batch_list_queryset(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_manage=queries.has_role(self.request.user, queries_mass.MASS_MANAGE_ROLES), **kwargs
        )


class BatchCreateView(RefusalMixin, RoleRequiredMixin, FormView):
    allowed_roles = queries_mass.MASS_MANAGE_ROLES
    template_name = "evaluations/mass_batch_form.html"
    form_class = MassBatchForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        code = self.request.GET.get("org", "").strip()
        if code:
            queries.get_org_or_404(self.request.user, code)  # a foreign code: 404, never a hint
        elif not queries.has_role(self.request.user, queries_mass.MASS_FULL_MANAGE_ROLES):
            own = queries.orgs_for(self.request.user, roles=queries_mass.MASS_BRANCH_ROLES).filter(level="basic")
            first = own.order_by("path").first()
            code = first.code if first else ""
        return {"org_code": code}

    def form_valid(self, form):
        data = form.cleaned_data
        base_url = getattr(settings, "MASS_PUBLIC_BASE_URL", "") or self.request.build_absolute_uri("/")
        with background.watch() as watch:
            batch = services.create_batch(
                data["org_code"],
                by=self.request.user,
                period=data["period"],
                criteria_set=data["criteria_set"],
                target=data["target"],
                tokens_per_target=data["tokens_per_target"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                base_url=base_url,
                title=data["title"],
            )
        if watch.deferred:
            messages.warning(self.request, background.DEFERRED_MESSAGE)
        elif batch.status == MassBatchStatus.READY:
            messages.success(self.request, _("已生成 %(n)s 个二维码，请下载打印二维码表") % {"n": batch.token_count})
        else:
            messages.info(self.request, _("正在生成二维码表，完成后即可下载"))
        return redirect("evaluations:mass_batch", pk=batch.pk)


class BatchScopedMixin(ScopedObjectMixin):
    """A batch whose organization the user sees (else 404) and may read — or manage, when ``manage`` —
    (else 403: e.g. a secretary on the masses' evaluation of its organization itself)."""

    manage = False
    fetch = staticmethod(queries_mass.get_batch_or_404)

    def check_role(self, batch):
        user = self.request.user
        check = queries_mass.can_manage_batch if self.manage else queries_mass.can_read_batch
        if not check(user, batch):
            raise PermissionDenied

    def batch_url(self) -> str:
        return reverse("evaluations:mass_batch", args=[self.object.pk])


class BatchDetailView(BatchScopedMixin, TemplateView):
    """Results: per criterion and level the count and percentage, and the participation."""

    template_name = "evaluations/mass_batch_detail.html"

    def get_context_data(self, **kwargs):
        batch = self.object
        return super().get_context_data(
            batch=batch,
            results=services.batch_results(batch) if batch.status == MassBatchStatus.READY else [],
            can_manage=queries_mass.can_manage_batch(self.request.user, batch),
            is_open=batch.is_open(),
            is_closed=batch.closes_at <= timezone.now(),
            is_member_batch=batch.target == Target.MEMBER,
            **kwargs,
        )


class BatchStatusView(BatchScopedMixin, TemplateView):
    """htmx partial polled while a big sheet is rendered by a task."""

    template_name = "evaluations/mass_sheet_status.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            batch=self.object, can_manage=queries_mass.can_manage_batch(self.request.user, self.object), **kwargs
        )


class BatchSheetView(BatchScopedMixin, View):
    """The QR sheet PDF, only to those who manage the batch."""

    manage = True

    def get(self, request, pk):
        batch = self.object
        if not batch.sheet:
            raise Http404
        return stored_file_response(
            batch.sheet,
            headers={"Cache-Control": "no-store, private", "X-Content-Type-Options": "nosniff"},
            content_type="application/pdf",
            as_attachment=True,
            filename=_("群众评议二维码表-%(name)s-%(pk)s.pdf") % {"name": batch.org.name, "pk": batch.pk},
        )


class BatchSheetDeleteView(BatchScopedMixin, ServiceActionView):
    manage = True
    success_message = gettext_lazy("二维码表文件已删除；已发出的二维码仍可使用")

    def perform(self):
        services.delete_sheet(self.object, by=self.request.user)

    def get_success_url(self):
        return self.batch_url()


class TallyView(BatchScopedMixin, ServiceFormView):
    """Paper ballots entered as tallies per criterion and level (for one member in a member batch)."""

    manage = True
    template_name = "evaluations/mass_tally.html"
    form_class = TallyForm

    def target_member(self):
        if not hasattr(self, "_member"):
            self._member = self._find_member()
        return self._member

    def _find_member(self):
        if self.object.target != Target.MEMBER:
            return None
        member_id = self.request.GET.get("member", "")
        token = (
            MassToken.objects.filter(batch=self.object, member_id=member_id if member_id.isdigit() else None)
            .select_related("member")
            .first()
        )
        if token is None or token.member is None:
            raise Http404("no such member in this batch")
        return token.member

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "criteria": self.object.criteria_set.criteria.all(),
            "levels": self.object.criteria_set.levels,
            "initial_counts": services.tally_initial(self.object, self.target_member()),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(batch=self.object, member=self.target_member(), **kwargs)

    def get_cancel_url(self):
        return self.batch_url()

    def perform(self, data):
        return services.save_tallies(
            self.object, by=self.request.user, member=self.target_member(), counts=self.form.counts()
        )

    def get_success_message(self, ballots):
        return _("已保存纸质选票 %(n)s 张的统计结果") % {"n": ballots}

    def get_success_url(self, ballots=None):
        return self.get_cancel_url()


class BatchCloseView(BatchScopedMixin, ServiceActionView):
    """结束评议: close the batch now; tokens not yet used are refused from then on."""

    manage = True
    success_message = gettext_lazy("评议已结束：尚未使用的二维码不能再提交评议")

    def perform(self):
        services.close_batch(self.object, by=self.request.user)

    def get_success_url(self):
        return self.batch_url()
