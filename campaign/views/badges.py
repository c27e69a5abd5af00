"""The 亮牌示范 register: the list per node with filters and its xlsx export, an entry's page, registering,
editing and ending an entry, and 佩戴党徽 per organization and month.

"“亮牌示范”活动。通过佩戴党徽、党员示范户、党员先锋岗、党员责任区等形式，把党员身份亮出来，促进党员发挥先锋
模范作用。有计划地在各领域、各行业确立一批党员示范岗位，发挥带动作用。" (seed, part 四.(二).4)

Order of checks on every page: anonymous → login; outside the scope (an entry, or ``?org=<code>``) → 404;
wrong role → 403 (a member has nothing here).
"""

from functools import partial
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from common.views import RecordPageFormView, ServiceFormView
from common.xlsx import bold_row, safe_row, xlsx_response
from orgs import queries
from orgs.enums import Sector
from orgs.pagination import query_without_page
from orgs.views.mixins import ChooseOrgMixin, OrgRecordMixin, PagedMixin, RoleRequiredMixin

from ..forms import badges as forms
from ..models import BadgeWearing
from ..queries import badges as qb
from ..services import badges as services

XLSX_MAX_ROWS = 50_000


class BadgeRegisterMixin:
    """The list's filters, shared by the page and its export so that both carry the same scope."""

    def filtered_entries(self):
        user = self.request.user
        self.filter_form = forms.BadgeFilterForm(self.request.GET or None, user=user, roles=qb.READ_ROLES)
        self.node = qb.list_node(user, self.request.GET.get("org"))
        self.filters = self.filter_form.values()
        return qb.entry_list(user, node=self.node, **self.filters)


# --- the register -----------------------------------------------------------------------------------


class BadgeListView(BadgeRegisterMixin, PagedMixin, RoleRequiredMixin, ListView):
    allowed_roles = qb.READ_ROLES
    template_name = "campaign/badges_list.html"

    def get_queryset(self):
        return self.filtered_entries()

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            filter_form=self.filter_form,
            node=self.node,
            scope=self.node.name if self.node else "、".join(o.name for o in queries.top_orgs(user, qb.READ_ROLES)),
            can_write=queries.has_role(user, qb.WRITE_ROLES),
            export_query=query_without_page(self.request),
            **kwargs,
        )


def write_entries_xlsx(fileobj, entries, *, heading: str) -> int:
    """The filtered register as xlsx (openpyxl write-only): one row per entry, no personal data."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("亮牌示范"))
    headers = [_("类别"), _("党员"), _("岗位名称"), _("组织"), _("组织编码"), _("领域"), _("地点")]
    headers += [_("示范内容"), _("开始日期"), _("结束日期"), _("状态")]
    for letter, width in zip("ABCDEFGHIJK", (12, 10, 20, 28, 16, 12, 30, 40, 12, 12, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([heading])
    sheet.append(bold_row(sheet, headers))
    sectors = dict(Sector.choices)
    count = 0
    for entry in entries.iterator(chunk_size=2000):
        if count >= XLSX_MAX_ROWS:
            sheet.append([_("（仅导出前 %(n)s 条，请缩小查询范围）") % {"n": XLSX_MAX_ROWS}])
            break
        row = [
            entry.get_kind_display(),
            entry.member.name if entry.member_id else "",
            entry.post_name,
            entry.org.name,
            entry.org.code,
            str(sectors.get(entry.org_sector, "")),
            entry.place,
            entry.description,
            entry.start_date,
            entry.end_date,
            str(entry.state_label),
        ]
        sheet.append(safe_row(sheet, row))
        count += 1
    workbook.save(fileobj)
    return count


class BadgeExportView(BadgeRegisterMixin, RoleRequiredMixin, View):
    """The list as xlsx, with the list's own filters and scope (``?org=`` outside the scope: 404)."""

    allowed_roles = qb.READ_ROLES

    def get(self, request, *args, **kwargs):
        entries = self.filtered_entries()
        today = timezone.localdate()
        heading = _("亮牌示范登记（%(scope)s，导出于 %(date)s）") % {
            "scope": self.node.name if self.node else _("本人管理范围"),
            "date": today.isoformat(),
        }
        filename = _("亮牌示范登记-%(date)s.xlsx") % {"date": today.strftime("%Y%m%d")}
        return xlsx_response(partial(write_entries_xlsx, entries=entries, heading=heading), filename)


class BadgeCreateView(ChooseOrgMixin, RoleRequiredMixin, ServiceFormView):
    """Register an entry: first the organization (the user's only one is taken as is), then the entry."""

    allowed_roles = qb.WRITE_ROLES
    template_name = "campaign/badges_form.html"
    title = gettext_lazy("亮牌示范登记")

    def get_form(self, form_class=None):
        if self.org is None:
            return None
        return forms.BadgeEntryForm(**self.get_form_kwargs(), org=self.org)

    def get_cancel_url(self):
        return reverse("campaign:badge_list")

    def perform(self, data):
        fields = {name: data[name] for name in services.ENTRY_FIELDS}
        return services.create_entry(self.org, by=self.request.user, **fields)

    def get_success_message(self, entry):
        return _("已登记%(kind)s“%(who)s”") % {"kind": entry.get_kind_display(), "who": entry.holder}

    def get_success_url(self, entry):
        return reverse("campaign:badge_detail", args=[entry.pk])


class BadgeScopedMixin(OrgRecordMixin):
    allowed_roles = qb.READ_ROLES
    fetch = staticmethod(qb.get_entry_or_404)


class BadgeWriteMixin(BadgeScopedMixin):
    allowed_roles = qb.WRITE_ROLES


def history_rows(entry, limit: int = 30) -> list[dict]:
    """Who changed what and when (newest first): the fields changed by each save, by their labels."""
    records = list(entry.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    rows = []
    for newer, older in zip(records, records[1:], strict=False):
        fields = [str(entry._meta.get_field(c.field).verbose_name) for c in newer.diff_against(older).changes]
        rows.append({"record": newer, "fields": fields})
    if len(records) <= limit and records:
        rows.append({"record": records[-1], "fields": [], "created": True})
    return rows[:limit]


class BadgeDetailView(BadgeScopedMixin, TemplateView):
    template_name = "campaign/badges_detail.html"

    def get_context_data(self, **kwargs):
        entry = self.object
        can_write = qb.can_write(self.request.user, entry.org)
        can_end = can_write and not (entry.end_date and entry.end_date < timezone.localdate())
        if can_end:
            kwargs.setdefault("end_form", forms.EndEntryForm())
        return super().get_context_data(
            entry=entry, can_write=can_write, can_end=can_end, history=history_rows(entry), **kwargs
        )


class BadgeEditView(BadgeWriteMixin, ServiceFormView):
    template_name = "campaign/badges_form.html"
    title = gettext_lazy("修改亮牌示范登记")
    success_message = gettext_lazy("已保存修改")

    def get_form(self, form_class=None):
        return forms.BadgeEntryForm(**self.get_form_kwargs(), instance=self.object, org=self.object.org)

    def get_context_data(self, **kwargs):
        return super().get_context_data(org=self.object.org, **kwargs)

    def get_cancel_url(self):
        return reverse("campaign:badge_list")

    def perform(self, data):
        fields = {name: data[name] for name in services.ENTRY_FIELDS}
        return services.update_entry(self.object, by=self.request.user, fields=fields)

    def get_success_url(self, entry):
        return reverse("campaign:badge_detail", args=[self.object.pk])


class BadgeEndView(BadgeWriteMixin, RecordPageFormView):
    """POST the end date (GET: 405); an invalid or refused one re-renders the entry's page with the error at the
    field."""

    record_view = BadgeDetailView
    form_name = "end_form"
    form_class = forms.EndEntryForm
    success_message = gettext_lazy("已登记结束日期")

    def perform(self, data):
        return services.end_entry(self.object, by=self.request.user, end_date=data["end_date"])

    def get_success_url(self, entry):
        return reverse("campaign:badge_detail", args=[self.object.pk])


# --- 佩戴党徽 ------------------------------------------------------------------------------------


class WearingListView(PagedMixin, RoleRequiredMixin, ListView):
    """佩戴党徽 per organization for one month (the latest recorded when none is chosen), with the totals."""

    allowed_roles = qb.READ_ROLES
    template_name = "campaign/badges_wearing.html"

    def get_queryset(self):
        user = self.request.user
        self.filter_form = forms.WearingFilterForm(self.request.GET or None, user=user, roles=qb.READ_ROLES)
        self.node = qb.list_node(user, self.request.GET.get("org"))
        filters = self.filter_form.values()
        rows = qb.wearing_list(user, node=self.node, sector=filters["sector"])
        self.month = filters["month"] or qb.latest_month(rows)
        self.rows = rows.filter(month=self.month) if self.month else rows.none()
        return self.rows

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            filter_form=self.filter_form,
            node=self.node,
            month=self.month,
            totals=qb.wearing_totals(self.rows),
            can_write=queries.has_role(user, qb.WRITE_ROLES),
            **kwargs,
        )


class WearingRecordView(ChooseOrgMixin, RoleRequiredMixin, ServiceFormView):
    """Record (or correct) one basic organization's 佩戴党徽 for a month; ``?month=YYYY-MM`` opens that month."""

    allowed_roles = qb.WRITE_ROLES
    template_name = "campaign/badges_form.html"
    basic_only = True
    title = gettext_lazy("登记佩戴党徽情况")

    def get_form(self, form_class=None):
        if self.org is None:
            return None
        kwargs = self.get_form_kwargs()
        if self.request.method == "GET":
            query = forms.MonthQueryForm(self.request.GET)
            month = query.cleaned_data["month"] if query.is_valid() else None
            existing = BadgeWearing.objects.filter(org=self.org, month=month).first() if month else None
            if existing is not None:
                kwargs["instance"] = existing
            elif month:
                kwargs["initial"] = {**kwargs.get("initial", {}), "month": month}
        return forms.WearingForm(**kwargs, org=self.org)

    def get_cancel_url(self):
        return reverse("campaign:badge_wearing")

    def perform(self, data):
        fields = {name: data[name] for name in ("month", "wearing", "total", "note")}
        return services.record_wearing(self.org, by=self.request.user, **fields)

    def get_success_message(self, row):
        return _("已登记%(org)s %(month)s 佩戴党徽情况：%(w)s / %(t)s") % {
            "org": self.org.name,
            "month": row.month.strftime("%Y-%m"),
            "w": row.wearing,
            "t": row.total,
        }

    def get_success_url(self, row):
        query = urlencode({"org": self.org.code, "month": row.month.strftime("%Y-%m")})
        return f"{reverse('campaign:badge_wearing')}?{query}"
