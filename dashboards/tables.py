"""The dashboard's tables as plain data, rendered by one template and written to xlsx by one function.

A ``Table`` has columns and rows of ``Cell`` (value for sorting and export, text for the page, optional
link): what the page shows and what the xlsx holds can never differ.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards.enums import CategoryCode
from campaign.enums import ActivityType
from common.numbers import percent
from evaluations.enums import TierLevel
from masswork.models import ServiceKind

from .queries import COLUMN_LABELS, LISTS, Figures, Scope


@dataclass
class Column:
    key: str
    label: str
    numeric: bool = True
    sortable: bool = True


@dataclass
class Cell:
    value: Any
    text: str = ""
    url: str = ""

    def __post_init__(self):
        if not self.text:
            self.text = _fmt(self.value)

    @property
    def numeric(self) -> bool:
        return self.value is None or (
            isinstance(self.value, int | float | Decimal) and not isinstance(self.value, bool)
        )


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    footer: list[Cell] | None = None
    sort: str = ""
    note: str = ""


def rows_html(table: Table) -> str:
    """The ``<tbody>`` rows of ``table`` as dashboards/_table.html wrote them, built in Python: a children table
    has thousands of cells, and the template engine spent most of the page's time on them (issue 14)."""
    esc = conditional_escape
    out = []
    for row in table.rows:
        cells = []
        for n, cell in enumerate(row):
            text = esc(cell.text)
            inner = f'<a href="{esc(cell.url)}">{text}</a>' if cell.url else text
            if n == 0:
                cells.append(f'<th scope="row">{inner}</th>')
            elif cell.numeric:
                cells.append(f'<td class="text-end">{inner}</td>')
            else:
                cells.append(f"<td>{inner}</td>")
        out.append(f"<tr>{''.join(cells)}</tr>")
    return mark_safe("\n".join(out))  # noqa: S308  (every text and URL above is escaped)


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value}%"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def with_query(url: str, **params) -> str:
    from urllib.parse import urlencode

    params = {k: v for k, v in params.items() if v}
    return f"{url}?{urlencode(params)}" if params else url


_CODE, _SLUG = "0CODE0", "0SLUG0"


@lru_cache(maxsize=8)
def _list_pattern(prefix: str) -> str:
    """The list URL with placeholders, reversed once per script prefix (a table has hundreds of links)."""
    return reverse("dashboards:list", args=[_CODE, _SLUG])


def list_url(scope: Scope, slug: str, org_code: str | None = None) -> str:
    pattern = _list_pattern(get_script_prefix())
    url = pattern.replace(_CODE, quote(org_code or scope.node.code, safe="")).replace(_SLUG, slug)
    return with_query(url, sector=scope.sector_param)


def dash_url(scope: Scope, org_code: str) -> str:
    return with_query(reverse("dashboards:node", args=[org_code]), sector=scope.sector_param)


# --- the figure columns of drill-down and sector tables --------------------------------------------

# (key: the Figures value, label, list slug behind the cell)
FIGURE_COLUMNS = [
    ("basic_orgs", gettext_lazy("基层党组织"), ""),
    ("plan_required", gettext_lazy("应制定方案"), "plan_required"),
    ("plan_approved", gettext_lazy("方案已审批"), "plan_approved"),
    ("plan_pct", gettext_lazy("方案覆盖率"), "plan_missing"),
    ("commitments_published", gettext_lazy("公开承诺"), "commitments_published"),
    ("commitments_fulfilled", gettext_lazy("承诺已兑现"), "commitments_fulfilled"),
    ("members_in_service", gettext_lazy("在职党员"), "pa_members"),
    ("pa_reports", gettext_lazy("党性分析报告"), "pa_reports"),
    ("pa_pct", gettext_lazy("党性分析覆盖率"), "pa_missing"),
    ("activities", gettext_lazy("活动记录"), "activities"),
    ("tier_rated", gettext_lazy("已评定档次"), "tier_rated"),
    ("advanced_pct", gettext_lazy("“五个好”占比"), "tier_advanced"),
    ("moved_up", gettext_lazy("晋档"), "moved_up"),
    ("moved_down", gettext_lazy("降档"), "moved_down"),
    ("nominations", gettext_lazy("本轮推荐"), "nominations"),
    ("rect_open", gettext_lazy("整改未完成"), "rect_open"),
    ("rect_overdue", gettext_lazy("整改逾期"), "rect_overdue"),
    ("rect_verified", gettext_lazy("整改已验收"), "rect_verified"),
    ("reminders_sent", gettext_lazy("已发提醒"), "reminders_sent"),
    ("ms_overdue", gettext_lazy("逾期节点任务"), "ms_overdue"),
    # 联系服务群众与基层治理
    ("households_active", gettext_lazy("联系户"), "households_active"),
    ("households_no_contact", gettext_lazy("30天未联系"), "households_no_contact"),
    ("service_records", gettext_lazy("联系服务记录"), "service_records"),
    ("mass_meetings", gettext_lazy("干群恳谈会"), "mass_meetings"),
    ("disputes_found", gettext_lazy("排查纠纷"), "disputes_found"),
    ("disputes_resolved", gettext_lazy("化解"), "disputes_resolved"),
    ("disputes_escalated", gettext_lazy("上交"), "disputes_escalated"),
    ("disputes_unresolved", gettext_lazy("未化解"), "disputes_unresolved"),
    ("disputes_pending", gettext_lazy("纠纷处理中"), "disputes_pending"),
    ("bulletins", gettext_lazy("印发简报"), "bulletins"),
    ("basic_with_instructor", gettext_lazy("有指导员的基层党组织"), "basic_with_instructor"),
    ("college_officials", gettext_lazy("大学生村官"), "college_officials"),
    # 党员队伍
    ("members_total", gettext_lazy("党员"), "members_total"),
    ("pa_participated", gettext_lazy("参加党性分析"), "pa_participated"),
    ("pa_participated_pct", gettext_lazy("党性分析参与率"), "pa_absent"),
    ("members_rated", gettext_lazy("已评定等次党员"), "members_rated"),
    ("excellent_member_pct", gettext_lazy("优秀党员占比"), "rated_excellent"),
    # 亮牌示范 (current entries on the snapshot day; 佩戴党徽 from the basic organizations' latest records)
    ("badge_demo_household", gettext_lazy("党员示范户"), "badge_demo_household"),
    ("badge_vanguard_post", gettext_lazy("党员先锋岗"), "badge_vanguard_post"),
    ("badge_responsibility_area", gettext_lazy("党员责任区"), "badge_responsibility_area"),
    ("badge_model_post", gettext_lazy("示范岗位"), "badge_model_post"),
    ("wearing_pct", gettext_lazy("佩戴党徽率"), "wearing_orgs"),
]
SORT_KEYS = {"name", "code"} | {key for key, *_ in FIGURE_COLUMNS}


def _figure_cells(figures: Figures, scope: Scope, org_code: str | None) -> list[Cell]:
    cells = []
    for key, _label, slug in FIGURE_COLUMNS:
        v = getattr(figures, key)
        url = list_url(scope, slug, org_code) if slug and org_code and v else ""
        cells.append(Cell(v, url=url))
    return cells


def _sort_rows(rows: list[tuple[Any, list[Cell]]], sort: str) -> list[list[Cell]]:
    """Sort by the named column (``-`` for descending); empty values last either way."""
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        return [cells for _, cells in rows]
    index = {"name": 0, "code": 1} | {k: n + 2 for n, (k, *_) in enumerate(FIGURE_COLUMNS)}
    descending = sort.startswith("-")
    present = [r for r in rows if r[1][index[key]].value is not None]
    missing = [r for r in rows if r[1][index[key]].value is None]
    present.sort(key=lambda r: r[1][index[key]].value, reverse=descending)
    return [cells for _, cells in present + missing]


def _figure_header(first: str) -> list[Column]:
    return [
        Column("name", first, numeric=False),
        Column("code", _("编码"), numeric=False),
        *[Column(key, str(label)) for key, label, *_ in FIGURE_COLUMNS],
    ]


def children_table(scope: Scope, node_figures, sort: str = "") -> Table:
    table = Table("children", _("下级组织"), _figure_header(_("组织")), sort=sort)
    table.footer = [Cell(_("合计")), Cell(""), *_figure_cells(node_figures.total, scope, None)]
    rows = []
    for child in node_figures.children:
        org = child.org
        name = Cell(org.name, url=dash_url(scope, org.code) if child.linkable else "")
        rows.append((org, [name, Cell(org.code), *_figure_cells(child.figures, scope, org.code)]))
    table.rows = _sort_rows(rows, sort)
    own_cells = _figure_cells(node_figures.own, scope, None)
    if any(c.value for c in own_cells):  # the node's own work (e.g. an order on the committee itself)
        table.rows.append([Cell(_("本级")), Cell(scope.node.code), *own_cells])
    return table


def sectors_table(scope: Scope, rows, sort: str = "") -> Table:
    table = Table("sectors", _("按领域（条）"), _figure_header(_("领域")), sort=sort)
    built = []
    total = Figures.from_row(None)
    for sector, label, figures in rows:
        total = total + figures
        url = with_query(reverse("dashboards:node", args=[scope.node.code]), sector=sector) if sector else ""
        built.append((sector, [Cell(str(label), url=url), Cell(sector), *_figure_cells(figures, scope, None)]))
    table.rows = _sort_rows(built, sort)
    table.footer = [Cell(_("合计")), Cell(""), *_figure_cells(total, scope, None)]
    return table


def _indicator_table(scope: Scope, key: str, title: str, rows, *, note: str = "") -> Table:
    """A table of (label, value, detail, slug of the list behind the value): 指标 / 数值 / 说明."""
    table = Table(
        key,
        title,
        [
            Column("label", _("指标"), numeric=False, sortable=False),
            Column("value", _("数值"), sortable=False),
            Column("detail", _("说明"), numeric=False, sortable=False),
        ],
        note=note,
    )
    table.rows = [
        [Cell(label), Cell(value, url=list_url(scope, slug)), Cell(detail)] for label, value, detail, slug in rows
    ]
    return table


def summary_table(scope: Scope, figures: Figures) -> Table:
    """The main figures of the node as one table (the PDF and the xlsx of the figures)."""
    snapshot = scope.snapshot
    period = snapshot.period.name if snapshot and snapshot.period else "—"
    previous = snapshot.previous_period.name if snapshot and snapshot.previous_period else "—"
    award_round = snapshot.award_round.name if snapshot and snapshot.award_round else "—"
    rows = [
        (
            _("实施方案覆盖率"),
            figures.plan_pct,
            _("已审批 %(a)s / 应制定 %(b)s") % {"a": figures.plan_approved, "b": figures.plan_required},
            "plan_approved",
        ),
        (
            _("公开承诺"),
            figures.commitments_published,
            _("已兑现 %(a)s（%(p)s）") % {"a": figures.commitments_fulfilled, "p": _fmt(figures.fulfilled_pct)},
            "commitments_published",
        ),
        (
            _("党性分析覆盖率"),
            figures.pa_pct,
            _("已交 %(a)s / 在职党员 %(b)s") % {"a": figures.pa_reports, "b": figures.members_in_service},
            "pa_missing",
        ),
        (_("活动记录"), figures.activities, "", "activities"),
        (
            _("“五个好”占比"),
            figures.advanced_pct,
            _("%(period)s：先进 %(a)s / 已评定 %(b)s；%(prev)s：%(p)s")
            % {
                "period": period,
                "a": figures.tier_advanced,
                "b": figures.tier_rated,
                "prev": previous,
                "p": _fmt(figures.prev_advanced_pct),
            },
            "tier_advanced",
        ),
        (
            _("晋档升级"),
            figures.moved_up,
            _("晋档 %(a)s，降档 %(b)s") % {"a": figures.moved_up, "b": figures.moved_down},
            "moved_up",
        ),
        (
            _("本轮推荐"),
            figures.nominations,
            _("%(round)s：批准表彰 %(a)s") % {"round": award_round, "a": figures.nominations_approved},
            "nominations",
        ),
        (
            _("限期整改未完成"),
            figures.rect_open,
            _("其中逾期 %(a)s；已验收 %(b)s") % {"a": figures.rect_overdue, "b": figures.rect_verified},
            "rect_open",
        ),
        (_("已发提醒"), figures.reminders_sent, "", "reminders_sent"),
        (_("逾期节点任务"), figures.ms_overdue, _("已到期 %(a)s 项") % {"a": figures.ms_due}, "ms_overdue"),
    ]
    return _indicator_table(scope, "figures", _("主要指标"), rows)


def masses_table(scope: Scope, figures: Figures) -> Table:
    """联系服务群众与基层治理: the node's figures of issue 7 as one table (page, xlsx and PDF)."""
    f = figures
    rows = [
        (
            _("党员联系户（联系中）"),
            f.households_active,
            _("30天未联系 %(a)s 户（%(p)s）") % {"a": f.households_no_contact, "p": _fmt(f.no_contact_pct)},
            "households_active",
        ),
        (
            _("30天未联系的联系户"),
            f.households_no_contact,
            _("统计日期前30天内没有服务记录"),
            "households_no_contact",
        ),
        (_("联系服务记录"), f.service_records, _("帮扶、走访慰问、解决实际问题"), "service_records"),
        (_("干群恳谈会"), f.mass_meetings, "", "mass_meetings"),
        (
            _("排查矛盾纠纷"),
            f.disputes_found,
            _("化解 %(a)s，上交 %(b)s，未化解 %(c)s，处理中 %(d)s")
            % {
                "a": f.disputes_resolved,
                "b": f.disputes_escalated,
                "c": f.disputes_unresolved,
                "d": f.disputes_pending,
            },
            "disputes_found",
        ),
        (
            _("矛盾纠纷化解率"),
            f.resolved_pct,
            _("已化解 %(a)s / 排查 %(b)s") % {"a": f.disputes_resolved, "b": f.disputes_found},
            "disputes_resolved",
        ),
        (_("印发信息简报"), f.bulletins, _("本级及下级领导小组办公室"), "bulletins"),
        (
            _("有党建工作指导员的基层党组织"),
            f.basic_with_instructor,
            _("占基层党组织 %(p)s；未派驻 %(a)s 个") % {"p": _fmt(f.instructor_pct), "a": f.instructor_missing},
            "basic_with_instructor",
        ),
        (_("大学生村官"), f.college_officials, "", "college_officials"),
        (_("群众工作站（开放中）"), f.stations_active, "", "stations_active"),
        (
            _("群众工作站来访"),
            f.station_visits,
            _("已办结 %(a)s（%(p)s）") % {"a": f.station_visits_closed, "p": _fmt(f.visits_closed_pct)},
            "station_visits",
        ),
    ]
    note = _(
        "服务记录、干群恳谈会、矛盾纠纷、信息简报、群众工作站来访按活动开始至统计日期计；未联系户按统计日期前30天计。"
    )
    return _indicator_table(scope, "masses", _("联系服务群众与基层治理"), rows, note=note)


def members_table(scope: Scope, figures: Figures) -> Table:
    """党员队伍: 党性分析 of every member (participation, the reports of the required), the ratings per level
    and the share reaching each of the 五个模范 — the node's figures as one table (page, xlsx and PDF)."""
    from evaluations.enums import MemberRatingLevel
    from evaluations.seed import FIVE_MODELS

    f = figures
    period = scope.snapshot.period.name if scope.snapshot and scope.snapshot.period else "—"
    rows = [
        (
            _("党性分析参与率"),
            f.pa_participated_pct,
            _("已参加 %(a)s / 党员 %(b)s（登记参加或已交报告）") % {"a": f.pa_participated, "b": f.members_total},
            "pa_absent",
        ),
        (
            _("党性分析报告（应写）"),
            f.pa_pct,
            _("在职党员已交 %(a)s / 应写 %(b)s；报告共 %(c)s 份（含自愿撰写）")
            % {"a": f.pa_reports, "b": f.members_in_service, "c": f.pa_written},
            "pa_missing",
        ),
        (
            _("已评定等次党员"),
            f.members_rated,
            _("%(period)s，按评定组织统计") % {"period": period},
            "members_rated",
        ),
    ]
    for level in MemberRatingLevel:
        rows.append(
            (
                _("评定为%(level)s的占比") % {"level": level.label},
                f.rated_pct(level.value),
                _("%(a)s 名 / 已评定 %(b)s") % {"a": f[f"rated_{level.value}"], "b": f.members_rated},
                f"rated_{level.value}",
            )
        )
    for n, (name, _description) in enumerate(FIVE_MODELS["criteria"], start=1):
        rows.append(
            (
                _("达到“%(name)s”的占比") % {"name": name},
                f.model_pct(n),
                _("%(a)s 名 / 党组织已考核 %(b)s") % {"a": f[f"model{n}_reached"], "b": f.models_assessed},
                "models_assessed",
            )
        )
    note = _("“五个模范”某一项达到：党组织对该党员的考核（已提交）在这一项上评为最高等次（如“满意”）。")
    return _indicator_table(scope, "members", _("党员队伍：党性分析、评定等次、“五个模范”"), rows, note=note)


def badges_table(scope: Scope, figures: Figures) -> Table:
    """亮牌示范: the register's entries in force on the snapshot day per kind, and 佩戴党徽 — the node's figures as
    one table (page and xlsx).

    "通过佩戴党徽、党员示范户、党员先锋岗、党员责任区等形式，把党员身份亮出来……有计划地在各领域、各行业确立一批党员
    示范岗位" (seed, part 四.(二).4). The 佩戴党徽 rate adds up each basic organization's latest record (see
    ``dashboards.models.OrgFigures``): where a 党委 and its branches both record, both records are added.
    """
    f = figures
    rows = [
        (_("党员示范户"), f.badge_demo_household, "", "badge_demo_household"),
        (_("党员先锋岗"), f.badge_vanguard_post, "", "badge_vanguard_post"),
        (_("党员责任区"), f.badge_responsibility_area, "", "badge_responsibility_area"),
        (_("示范岗位"), f.badge_model_post, _("含只登记岗位名称的岗位"), "badge_model_post"),
        (_("亮牌示范登记合计（示范中）"), f.badge_entries, "", "badge_entries"),
        (
            _("佩戴党徽率"),
            f.wearing_pct,
            _("佩戴 %(a)s / 统计党员 %(b)s（各基层党组织最近一次登记之和）")
            % {"a": f.wearing_members, "b": f.wearing_counted},
            "wearing_orgs",
        ),
        (
            _("已登记佩戴党徽的基层党组织"),
            f.wearing_orgs,
            _("占基层党组织 %(p)s；未登记 %(a)s 个") % {"p": _fmt(f.wearing_orgs_pct), "a": f.wearing_missing},
            "wearing_orgs",
        ),
    ]
    note = _(
        "示范中：统计日期在登记的开始、结束日期之间（未填结束日期的一直计入）。"
        "佩戴党徽按每个基层党组织截至统计日期最近一次登记的月份计，每个组织只计一次；"
        "党委（党总支）与其下属支部分别登记的，按各自登记的人数相加。"
    )
    title = _("亮牌示范：示范户、先锋岗、责任区、示范岗位与佩戴党徽")
    return _indicator_table(scope, "badges", title, rows, note=note)


def phases_table(rows: list[dict]) -> Table:
    table = Table(
        "phases",
        _("各步骤节点任务完成情况"),
        [
            Column("phase", _("步骤"), numeric=False, sortable=False),
            Column("applicable", _("应完成"), sortable=False),
            Column("done", _("已完成"), sortable=False),
            Column("percent", _("完成率"), sortable=False),
        ],
    )
    table.rows = [[Cell(r["name"]), Cell(r["applicable"]), Cell(r["done"]), Cell(r["percent"])] for r in rows]
    return table


def tiers_table(series, periods) -> Table:
    """Tiers per period (tiers over time), oldest first."""
    table = Table(
        "tiers",
        _("各期档次分布"),
        [Column("period", _("考核期间"), numeric=False, sortable=False)]
        + [Column(t.value, str(t.label), sortable=False) for t in TierLevel]
        + [Column("total", _("已评定"), sortable=False), Column("advanced_pct", _("“五个好”占比"), sortable=False)],
    )
    for period in periods:
        counts = [series.tiers.get((str(period.pk), t.value), 0) for t in TierLevel]
        total = sum(counts)
        table.rows.append([Cell(period.name), *[Cell(n) for n in counts], Cell(total), Cell(percent(counts[0], total))])
    return table


def monthly_table(key: str, title, counts: dict, choices) -> Table:
    """Records per month (rows) and choice (columns) with a total, from counts keyed (choice value, month)."""
    months = sorted({month for _value, month in counts})
    table = Table(
        key,
        title,
        [Column("month", _("月份"), numeric=False, sortable=False)]
        + [Column(c.value, str(c.label), sortable=False) for c in choices]
        + [Column("total", _("合计"), sortable=False)],
    )
    for month in months:
        row = [counts.get((c.value, month), 0) for c in choices]
        table.rows.append([Cell(month), *[Cell(n) for n in row], Cell(sum(row))])
    return table


def activity_table(series) -> Table:
    return monthly_table("activity", _("各月活动记录（按类型）"), series.activity, ActivityType)


def services_table(series) -> Table:
    """Services to households per month and kind (帮扶、走访慰问、解决实际问题)."""
    return monthly_table("services", _("各月联系服务记录（按类型）"), series.services, ServiceKind)


def nominations_table(series) -> Table:
    from awards.models import Nomination

    statuses = [s for s in Nomination.Status if s != Nomination.Status.WITHDRAWN]
    table = Table(
        "nominations",
        _("本轮推荐（按类别、阶段）"),
        [Column("category", _("类别"), numeric=False, sortable=False)]
        + [Column(s.value, str(s.label), sortable=False) for s in statuses]
        + [Column("total", _("合计"), sortable=False)],
    )
    categories = [c for c in CategoryCode if any(key[0] == c.value for key in series.nominations)]
    for category in categories:
        counts = [series.nominations.get((category.value, s.value), 0) for s in statuses]
        table.rows.append([Cell(str(category.label)), *[Cell(n) for n in counts], Cell(sum(counts))])
    return table


def list_table(scope: Scope, figure, rows, *, title: str | None = None) -> Table:
    """Rows (OrgFigures own rows) of a list behind a figure."""
    columns = [
        Column("name", _("组织"), numeric=False, sortable=False),
        Column("code", _("编码"), numeric=False, sortable=False),
        Column("level", _("层级"), numeric=False, sortable=False),
        Column("sector", _("领域"), numeric=False, sortable=False),
        *[Column(c, str(COLUMN_LABELS[c]), sortable=False) for c in figure.columns],
    ]
    table = Table("list", title or str(figure.title), columns)
    for row in rows:
        org = row.org
        table.rows.append(
            [
                Cell(org.name, url=reverse("orgs:org_detail", args=[org.code])),
                Cell(org.code),
                Cell(str(org.get_level_display())),
                Cell(str(org.get_sector_display() or "—")),
                *[Cell(getattr(row, c)) for c in figure.columns],
            ]
        )
    return table


LAGGING = LISTS["ms_overdue"].__class__(
    "lagging", gettext_lazy("逾期事项最多的组织"), LISTS["ms_overdue"].condition, ("rect_overdue", "ms_overdue", "lag")
)
