"""Import and export of organizations and members (org_department only).

Upload → a Celery task validates the whole file (dry run, nothing written) → the job page lists
every bad row, or the counts (新增 / 更新 / 未变) and a confirm button → a Celery task applies
all rows or none. A user sees only their own jobs (another user's job answers 404).
"""

from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from common import jobs as background
from common.net import client_ip
from common.xlsx import xlsx_response

from .. import exporters, queries
from ..io import jobs
from ..io.columns import COLUMNS, KIND_LABELS, MEMBERS, ORGS
from ..io.forms import ImportUploadForm
from ..models import ImportJob
from .mixins import RoleRequiredMixin

JOBS_PER_PAGE = 20
ERRORS_SHOWN = 500


class ImportViewMixin(RoleRequiredMixin):
    allowed_roles = queries.MANAGE_ROLES

    def get_job(self):
        """Only the uploader's own jobs exist for them: anything else is a 404."""
        return get_object_or_404(ImportJob, pk=self.kwargs["pk"], created_by=self.request.user)


class ImportListView(ImportViewMixin, FormView):
    template_name = "orgs/import_list.html"
    form_class = ImportUploadForm

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind if kind in COLUMNS else MEMBERS}

    def get_context_data(self, **kwargs):
        own = ImportJob.objects.filter(created_by=self.request.user).order_by("-created_at", "-pk")
        page = Paginator(own, JOBS_PER_PAGE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page_obj=page,
            object_list=page.object_list,
            kinds=[(kind, KIND_LABELS[kind]) for kind in (ORGS, MEMBERS)],
            **kwargs,
        )

    def form_valid(self, form):
        with background.watch() as watch:
            job = jobs.start_import(
                self.request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                stored_name=form.stored_name(),
            )
        if watch.deferred:
            messages.warning(self.request, background.DEFERRED_MESSAGE)
        return redirect("orgs:import_detail", pk=job.pk)


class TemplateDownloadView(ImportViewMixin, View):
    def get(self, request, kind, fmt):
        if kind not in COLUMNS or fmt not in ("xlsx", "csv"):
            raise Http404("no such template")
        filename = _("%(kind)s导入模板.%(fmt)s") % {"kind": KIND_LABELS[kind], "fmt": fmt}
        if fmt == "csv":
            response = HttpResponse(exporters.template_csv(kind), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = content_disposition_header(True, filename)
            return response
        return xlsx_response(partial(exporters.template_xlsx, kind), filename)


class ImportDetailView(ImportViewMixin, TemplateView):
    template_name = "orgs/import_detail.html"

    def get(self, request, *args, **kwargs):
        self.job = self.get_job()
        if request.GET.get("format") == "xlsx":
            filename = _("导入错误列表-%(name)s.xlsx") % {"name": self.job.pk}
            return xlsx_response(partial(exporters.errors_xlsx, self.job.errors), filename)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        job = self.job
        summary = job.summary or {}
        return super().get_context_data(
            job=job,
            running=job.status in jobs.ACTIVE,
            percent=jobs.progress_percent(job),
            errors=job.errors[:ERRORS_SHOWN],
            errors_total=len(job.errors),
            errors_capped=len(job.errors) > ERRORS_SHOWN,
            errors_shown=ERRORS_SHOWN,
            summary=summary,
            has_changes=bool(summary.get("created") or summary.get("updated")),
            background=background.latest(job),
            **kwargs,
        )


class ImportProgressView(ImportViewMixin, View):
    """htmx partial polled every second while the job runs; when it has finished the whole page
    reloads (HX-Refresh) to show the errors or the result, and the polling stops."""

    def get(self, request, *args, **kwargs):
        job = self.get_job()
        running = job.status in jobs.ACTIVE
        response = render(
            request,
            "orgs/_import_progress.html",
            {"job": job, "running": running, "percent": jobs.progress_percent(job)},
        )
        if not running:
            response["HX-Refresh"] = "true"
        return response


class ImportApplyView(ImportViewMixin, View):
    """POST: the user confirms a validated job; it is applied once, by a Celery task."""

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        job = self.get_job()
        with background.watch() as watch:
            confirmed = jobs.confirm_job(job)
        if confirmed and watch.deferred:
            messages.warning(request, background.DEFERRED_MESSAGE)
        elif confirmed:
            messages.info(request, _("已确认导入。写入完成后本页显示结果。"))
        else:
            messages.error(request, _("该导入任务当前不能执行：只有校验通过且尚未导入的任务才能确认导入。"))
        return redirect("orgs:import_detail", pk=job.pk)


class ExportView(ImportViewMixin, View):
    """The user's scope (members: narrowed by the member list's filters) in the import template."""

    def get(self, request, kind):
        if kind not in exporters.EXPORTERS:
            raise Http404("no such export")
        filename = _("%(kind)s导出-%(date)s.xlsx") % {
            "kind": KIND_LABELS[kind],
            "date": timezone.localdate().strftime("%Y%m%d"),
        }
        if kind == MEMBERS:
            fill = partial(exporters.export_members, request.user, params=request.GET, ip=client_ip(request))
        else:
            fill = partial(exporters.export_orgs, request.user)
        return xlsx_response(fill, filename)
