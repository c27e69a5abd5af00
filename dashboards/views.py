"""Dashboard pages: the node, its children (drill-down), its sectors (条), the lagging organizations,
the list behind each figure, and the xlsx / PDF exports. Thin: figures come from ``dashboards.queries``.

Permission order (orgs.views.mixins): anonymous → login; no dashboard role → 403; node outside the
visible scope → 404; node visible but not covered by a dashboard role → 403.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from campaign.enums import ActivityType
from campaign.queries.guidance import guidance_for_dashboard
from common import jobs as background
from evaluations.enums import TierLevel
from masswork.models import ServiceKind
from orgs import queries as orgs_queries
from orgs.enums import Sector
from orgs.pagination import CappedPaginator
from orgs.views.mixins import RoleRequiredMixin

from . import queries, tables
from .exports import XLSX_CONTENT_TYPE, summary_pdf, tables_xlsx
from .services import is_running

PER_PAGE = 30


class DashboardRoleMixin(RoleRequiredMixin):
    allowed_roles = queries.DASH_ROLES


class NodeMixin(DashboardRoleMixin):
    """Resolves ``code`` (404 outside the scope, 403 without a dashboard role on it) and ``?sector=``."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not orgs_queries.has_role(request.user, self.allowed_roles):
            raise PermissionDenied
        self.scope = queries.scope_for(request.user, kwargs["code"], sector=request.GET.get("sector", ""))
        return super().dispatch(request, *args, **kwargs)

    def heading(self) -> str:
        node = self.scope.node
        if self.scope.sectors is not None:
            return f"{node.name}（{self.scope.sector_label}）"
        return node.name

    def subheading(self) -> str:
        snapshot = self.scope.snapshot
        if snapshot is None:
            return _("尚未生成看板数据")
        return data_as_of_text(snapshot)

    def stale_warning(self) -> str:
        """The plain warning when the figures are older than DASHBOARD_STALE_SECONDS (the refresh is failing)."""
        return stale_text(self.scope.snapshot)

    def base_context(self) -> dict:
        scope = self.scope
        return {
            "scope": scope,
            "node": scope.node,
            "snapshot": scope.snapshot,
            "heading": self.heading(),
            "subheading": self.subheading(),
            "stale_warning": self.stale_warning(),
            "breadcrumbs": queries.breadcrumbs(scope),
            "sector_query": tables.with_query("", sector=scope.sector_param).lstrip("?"),
        }

    def xlsx_response(self, table_list, name: str) -> HttpResponse:
        subheading = " ".join(part for part in (self.subheading(), self.stale_warning()) if part)
        data = tables_xlsx(table_list, heading=self.heading(), subheading=subheading)
        response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
        filename = f"dashboard-{self.scope.node.code}-{name}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def data_as_of_text(snapshot) -> str:
    """The "数据截至 HH:MM:SS" line: when the snapshot last read the data, with the day when not today."""
    read = timezone.localtime(snapshot.data_at)
    shown = read.strftime("%H:%M:%S") if read.date() == timezone.localdate() else read.strftime("%Y-%m-%d %H:%M:%S")
    text = _("数据截至 %(time)s") % {"time": shown}
    if snapshot.as_of != read.date():
        text += _("（统计日期 %(day)s）") % {"day": snapshot.as_of.isoformat()}
    return text


def stale_text(snapshot) -> str:
    """A warning in plain Chinese when the latest figures are older than DASHBOARD_STALE_SECONDS, else ""."""
    if snapshot is None:
        return ""
    age = (timezone.now() - snapshot.data_at).total_seconds()
    if age <= settings.DASHBOARD_STALE_SECONDS:
        return ""
    minutes = int(age // 60)
    age_text = _("%(n)d 分钟") % {"n": minutes} if minutes < 120 else _("%(n)d 小时") % {"n": minutes // 60}
    every = settings.DASHBOARD_REFRESH_SECONDS
    every_text = _("%(n)d 秒") % {"n": every} if every < 60 or every % 60 else _("%(n)d 分钟") % {"n": every // 60}
    return _(
        "注意：看板数据已有 %(age)s没有更新（正常情况下每 %(every)s更新一次），后台计算可能出现故障，"
        "页面上的数字可能与实际不符。请联系系统管理员检查后台任务。"
    ) % {"age": age_text, "every": every_text}


class IndexView(DashboardRoleMixin, View):
    """/dashboards/ → the dashboard of the user's top node."""

    def get(self, request):
        node = queries.top_node(request.user)
        return redirect("dashboards:node", code=node.code)


def dashboard_data(scope, sort: str = "") -> dict:
    """Everything the dashboard, its xlsx and its PDF show: a fixed number of queries."""
    from evaluations.models import Period

    nf = queries.node_figures(scope)
    series = queries.node_series(scope)
    period_ids = sorted({int(k[0]) for k in series.tiers})
    periods = list(Period.objects.filter(pk__in=period_ids).order_by("start_date", "pk")) if period_ids else []
    phases = queries.phase_rows(scope, nf.total)
    data = {
        "figures": nf.total,
        "node_figures": nf,
        "summary": tables.summary_table(scope, nf.total),
        "children": tables.children_table(scope, nf, sort),
        "phases": tables.phases_table(phases),
        "tiers": tables.tiers_table(series, periods),
        "activity": tables.activity_table(series),
        "nominations": tables.nominations_table(series),
        "masses": tables.masses_table(scope, nf.total),
        "members": tables.members_table(scope, nf.total),
        "badges": tables.badges_table(scope, nf.total),
        "services": tables.services_table(series),
    }
    data["charts"] = chart_data(data)
    return data


def chart_data(data: dict) -> dict:
    """The numbers of the four charts, for static/dashboards/charts.js (json_script, no inline code)."""
    phases, tiers, activity, services = data["phases"], data["tiers"], data["activity"], data["services"]
    return {
        "phases": {
            "labels": [r[0].text for r in phases.rows],
            "percent": [float(r[3].value) if r[3].value is not None else 0 for r in phases.rows],
            "done": [r[2].value for r in phases.rows],
            "applicable": [r[1].value for r in phases.rows],
            "name": _("完成率（%）"),
        },
        "tiers": {
            "labels": [r[0].text for r in tiers.rows],
            "series": [
                {"name": str(t.label), "data": [r[n + 1].value for r in tiers.rows]} for n, t in enumerate(TierLevel)
            ],
        },
        "activity": {
            "labels": [r[0].text for r in activity.rows],
            "series": [
                {"name": str(t.label), "data": [r[n + 1].value for r in activity.rows]}
                for n, t in enumerate(ActivityType)
            ],
        },
        "services": {
            "labels": [r[0].text for r in services.rows],
            "series": [
                {"name": str(k.label), "data": [r[n + 1].value for r in services.rows]}
                for n, k in enumerate(ServiceKind)
            ],
        },
    }


class DashboardView(NodeMixin, TemplateView):
    template_name = "dashboards/dashboard.html"

    def get_context_data(self, **kwargs):
        scope = self.scope
        sort = self.request.GET.get("sort", "")
        context = {**self.base_context(), **dashboard_data(scope, sort), "sort": sort}
        context["lists"] = {slug: tables.list_url(scope, slug) for slug in queries.LISTS}
        context["can_refresh"] = queries.can_refresh(self.request.user)
        context["running"] = scope.snapshot is None or is_running(scope.snapshot.campaign)
        allowed = queries.user_sectors(self.request.user, scope.node)
        context["sector_choices"] = [(v, label) for v, label in Sector.choices if allowed is None or v in allowed]
        return super().get_context_data(**context, **kwargs)


class SectorView(NodeMixin, TemplateView):
    """The node's figures per sector (条) instead of per place."""

    template_name = "dashboards/sectors.html"

    def get_context_data(self, **kwargs):
        sort = self.request.GET.get("sort", "")
        table = tables.sectors_table(self.scope, queries.sector_rows(self.scope), sort)
        # "省直有关部门要成立指导小组" (seed, part 五): which 指导小组 guides each sector shown.
        guidance = guidance_for_dashboard(self.request.user, self.scope.node, self.scope.sectors)
        return super().get_context_data(**self.base_context(), table=table, sort=sort, guidance=guidance, **kwargs)


class PagedListMixin(NodeMixin):
    template_name = "dashboards/list.html"

    def get_rows(self):
        raise NotImplementedError

    def get_figure(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        figure = self.get_figure()
        rows = self.get_rows(figure)
        if kwargs.get("fmt") == "xlsx":
            table = tables.list_table(self.scope, figure, rows.iterator(chunk_size=2000))
            return self.xlsx_response([table], figure.slug)
        total = queries.node_total(self.scope) if self.scope.snapshot is not None else None
        known = getattr(total, figure.count_of) if total is not None and figure.count_of else None
        paginator = CappedPaginator(rows, PER_PAGE, known_count=known)
        page = paginator.get_page(request.GET.get("page"))
        table = tables.list_table(self.scope, figure, page.object_list)
        context = {
            **self.base_context(),
            "figure": figure,
            "table": table,
            "page": page,
            "query": tables.with_query("", sector=self.scope.sector_param).lstrip("?"),
            "xlsx_url": self.xlsx_url(figure),
            "total": total[figure.total_of] if total is not None and figure.total_of else None,
        }
        return self.render_to_response(context)

    def render_to_response(self, context):
        from django.template.response import TemplateResponse

        return TemplateResponse(self.request, self.template_name, context)


class FigureListView(PagedListMixin, View):
    """The organizations behind one figure, in tree order, paginated."""

    def get_figure(self):
        figure = queries.LISTS.get(self.kwargs["slug"])
        if figure is None:
            raise Http404("no such figure")
        return figure

    def get_rows(self, figure):
        return queries.list_rows(self.scope, figure)

    def xlsx_url(self, figure):
        url = reverse("dashboards:list_xlsx", args=[self.scope.node.code, figure.slug])
        return tables.with_query(url, sector=self.scope.sector_param)


class LaggingView(PagedListMixin, View):
    """Organizations with the most overdue work (逾期整改 + 逾期节点任务)."""

    def get_figure(self):
        return tables.LAGGING

    def get_rows(self, figure):
        return queries.lagging_rows(self.scope)

    def xlsx_url(self, figure):
        url = reverse("dashboards:lagging_xlsx", args=[self.scope.node.code])
        return tables.with_query(url, sector=self.scope.sector_param)


ALL_TABLES = [
    "figures",
    "children",
    "phases",
    "tiers",
    "activity",
    "nominations",
    "masses",
    "services",
    "members",
    "badges",
]
TABLE_KEYS = (*ALL_TABLES, "sectors", "all")


class XlsxView(NodeMixin, View):
    """Any table of the dashboard as xlsx (``all``: every table, one sheet each)."""

    def get(self, request, code, table):
        if table not in TABLE_KEYS:
            raise Http404("no such table")
        sort = request.GET.get("sort", "")
        if table == "sectors":
            chosen = [tables.sectors_table(self.scope, queries.sector_rows(self.scope), sort)]
        else:
            data = dashboard_data(self.scope, sort)
            data["figures"] = data["summary"]
            keys = ALL_TABLES if table == "all" else [table]
            chosen = [data[k] for k in keys]
        return self.xlsx_response(chosen, table)


class PdfView(NodeMixin, View):
    """One page for the leading group's meeting: the main figures, the phases, tiers and children as tables."""

    MAX_CHILDREN = 12

    def get(self, request, code):
        data = dashboard_data(self.scope, request.GET.get("sort", ""))
        children = data["children"]
        context = {
            **self.base_context(),
            **data,
            "children_rows": children.rows[: self.MAX_CHILDREN],
            "children_more": max(0, len(children.rows) - self.MAX_CHILDREN),
            "printed_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        }
        response = HttpResponse(summary_pdf(context), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="dashboard-{self.scope.node.code}.pdf"'
        return response


class RefreshView(RoleRequiredMixin, View):
    """Start a refresh of the roll-ups (leading group, 组织部); the page shows when it finished."""

    allowed_roles = queries.REFRESH_ROLES
    http_method_names = ["post"]

    def post(self, request):
        from campaign.services.timeline import current_campaign

        from .tasks import start_refresh

        campaign = current_campaign()
        if campaign is None:
            messages.error(request, _("尚无创先争优活动，无法生成看板数据"))
        elif is_running(campaign):
            messages.info(request, _("看板数据正在计算，请稍后刷新页面"))
        else:
            with background.watch() as watch:
                start_refresh(campaign, by=request.user)
            if watch.deferred:
                messages.warning(request, background.DEFERRED_MESSAGE)
            else:
                messages.success(request, _("已开始重新计算看板数据，完成后页面显示新的统计时间"))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("dashboards:index")
        return redirect(target)
