"""The lists behind the figures: the organizations (their own rows) that make up a figure, in tree order."""

import functools
import operator
from dataclasses import dataclass, replace

from django.db import connections
from django.db.models import F, OrderBy, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ..models import BADGE_FIELDS, COUNT_FIELDS, OrgFigures
from ..sources_bodies import BODY_LISTS
from .scope import Scope


@dataclass(frozen=True)
class FigureList:
    slug: str
    title: str
    condition: Q
    columns: tuple[str, ...]
    total_of: str = ""  # the column whose sum is the figure (empty: the number of organizations)
    count_of: str = ""  # the figure that is the number of organizations listed (0/1 columns)


def counted(slug: str, title, columns: tuple[str, ...] = ()) -> FigureList:
    """The organizations with some of the count ``slug``, its sum the figure; columns: the count alone if not given."""
    return FigureList(slug, title, Q(**{f"{slug}__gt": 0}), columns or (slug,), slug)


def lacking(slug: str, title, count: str) -> FigureList:
    """The basic organizations that have none of the count ``count`` (the list behind a "尚未……" figure)."""
    return FigureList(slug, title, Q(basic_orgs__gt=0, **{count: 0}), ("basic_orgs",))


DISPUTE_COLUMNS = (
    "disputes_found",
    "disputes_resolved",
    "disputes_escalated",
    "disputes_unresolved",
    "disputes_pending",
)

LISTS = {
    item.slug: item
    for item in [
        FigureList(
            "plan_required",
            _("应制定实施方案的基层党组织"),
            Q(plan_required__gt=0),
            ("plan_approved", "plan_submitted"),
        ),
        FigureList("plan_approved", _("实施方案已审批（含已公布）"), Q(plan_approved__gt=0), ("plan_approved",)),
        FigureList(
            "plan_missing",
            _("实施方案尚未审批的基层党组织"),
            Q(plan_required__gt=0, plan_approved=0),
            ("plan_submitted",),
        ),
        counted("commitments_published", _("已公开承诺"), ("commitments_published", "commitments_fulfilled")),
        counted("commitments_fulfilled", _("已兑现承诺"), ("commitments_published", "commitments_fulfilled")),
        FigureList(
            "pa_members",
            _("在职党员（党性分析）"),
            Q(members_in_service__gt=0),
            ("members_in_service", "pa_reports"),
            "members_in_service",
        ),
        counted("pa_reports", _("已交党性分析报告"), ("members_in_service", "pa_reports")),
        FigureList(
            "pa_missing",
            _("党性分析未全覆盖的组织"),
            Q(pa_reports__lt=F("members_in_service")),
            ("members_in_service", "pa_reports"),
        ),
        counted("activities", _("活动记录")),
        FigureList(
            "tier_rated", _("本期已评定档次"), Q(tier_rated__gt=0), ("tier_advanced", "tier_middle", "tier_backward")
        ),
        FigureList("tier_advanced", _("先进（“五个好”）"), Q(tier_advanced__gt=0), ("tier_advanced",)),
        FigureList("tier_middle", _("中间"), Q(tier_middle__gt=0), ("tier_middle",)),
        FigureList("tier_backward", _("后进"), Q(tier_backward__gt=0), ("tier_backward",)),
        FigureList("moved_up", _("晋档"), Q(moved_up__gt=0), ("moved_up",)),
        FigureList("moved_down", _("降档"), Q(moved_down__gt=0), ("moved_down",)),
        counted("nominations", _("本轮推荐"), ("nominations", "nominations_approved")),
        counted("nominations_approved", _("本轮批准表彰"), ("nominations", "nominations_approved")),
        counted("rect_open", _("限期整改未完成"), ("rect_open", "rect_overdue")),
        counted("rect_overdue", _("限期整改已逾期"), ("rect_open", "rect_overdue")),
        counted("rect_verified", _("限期整改已验收")),
        counted("reminders_sent", _("已发送的到期提醒")),
        counted("ms_overdue", _("逾期未完成的节点任务"), ("ms_due", "ms_overdue")),
        # 联系服务群众与基层治理
        counted("households_active", _("党员联系户（联系中）"), ("households_active", "households_no_contact")),
        counted("households_no_contact", _("30天未联系的联系户"), ("households_active", "households_no_contact")),
        counted("service_records", _("联系服务记录")),
        counted("mass_meetings", _("干群恳谈会")),
        counted("disputes_found", _("排查发现的矛盾纠纷"), DISPUTE_COLUMNS),
        counted("disputes_resolved", _("矛盾纠纷已化解"), DISPUTE_COLUMNS),
        counted("disputes_escalated", _("矛盾纠纷已上交"), DISPUTE_COLUMNS),
        counted("disputes_unresolved", _("矛盾纠纷未化解"), DISPUTE_COLUMNS),
        counted("disputes_pending", _("矛盾纠纷处理中"), DISPUTE_COLUMNS),
        counted("bulletins", _("印发信息简报")),
        FigureList(
            "basic_with_instructor",
            _("有党建工作指导员的基层党组织"),
            Q(basic_with_instructor__gt=0),
            ("basic_with_instructor",),
        ),
        lacking("instructor_missing", _("尚未派驻党建工作指导员的基层党组织"), "basic_with_instructor"),
        # 党员队伍
        counted("members_total", _("党员"), ("members_total", "pa_participated")),
        counted("pa_participated", _("参加党性分析的党员"), ("members_total", "pa_participated", "pa_written")),
        FigureList(
            "pa_absent",
            _("党性分析尚未全员参加的组织"),
            Q(pa_participated__lt=F("members_total")),
            ("members_total", "pa_participated"),
        ),
        counted("pa_written", _("党性分析报告（含自愿撰写）"), ("members_in_service", "pa_reports", "pa_written")),
        counted(
            "members_rated",
            _("本期已评定等次的党员"),
            ("members_rated", "rated_excellent", "rated_qualified", "rated_basic", "rated_unqualified"),
        ),
        counted("rated_excellent", _("评定为优秀的党员"), ("members_rated", "rated_excellent")),
        counted("rated_qualified", _("评定为合格的党员"), ("members_rated", "rated_qualified")),
        counted("rated_basic", _("评定为基本合格的党员"), ("members_rated", "rated_basic")),
        counted("rated_unqualified", _("评定为不合格的党员"), ("members_rated", "rated_unqualified")),
        counted(
            "models_assessed",
            _("本期党组织已考核的党员（“五个模范”）"),
            ("models_assessed", *[f"model{n}_reached" for n in range(1, 6)]),
        ),
        counted("college_officials", _("大学生村官")),
        # 亮牌示范
        FigureList(
            "badge_entries",
            _("有亮牌示范登记（示范中）的组织"),
            functools.reduce(operator.or_, [Q(**{f"{c}__gt": 0}) for c in BADGE_FIELDS.values()]),
            tuple(BADGE_FIELDS.values()),
        ),
        counted("badge_demo_household", _("党员示范户（示范中）")),
        counted("badge_vanguard_post", _("党员先锋岗（示范中）")),
        counted("badge_responsibility_area", _("党员责任区（示范中）")),
        counted("badge_model_post", _("示范岗位（示范中）")),
        FigureList(
            "wearing_orgs",
            _("已登记佩戴党徽的基层党组织（最近一次登记）"),
            Q(wearing_orgs__gt=0),
            ("wearing_members", "wearing_counted"),
        ),
        lacking("wearing_missing", _("尚未登记佩戴党徽的基层党组织"), "wearing_orgs"),
        # 群众工作站, 述职评议, 一定三有 (dashboards.sources_bodies)
        *[FigureList(*row) for row in BODY_LISTS],
    ]
}

# Lists whose number of organizations is itself a figure (own values are 0 or 1): the paginator takes it
# from the node's row instead of counting (the first page of a province-wide list reads 30 index entries).
_COUNTED = ["plan_required", "plan_approved", "plan_missing", "tier_rated", "tier_advanced", "tier_middle"]
_COUNTED += ["tier_backward", "moved_up", "moved_down", "basic_with_instructor", "instructor_missing"]
_COUNTED += ["wearing_orgs", "wearing_missing"]
_COUNTED += ["duty_submitted", "duty_missing", "duty_rated", "duty_waiting", "villages"]
_COUNTED += ["duty_good", "duty_fair", "duty_average", "duty_poor"]
LISTS = {slug: replace(item, count_of=slug if slug in _COUNTED else "") for slug, item in LISTS.items()}

COLUMN_LABELS = {name: OrgFigures._meta.get_field(name).verbose_name for name in COUNT_FIELDS}


class _PatternOrder(OrderBy):
    """``ORDER BY path USING ~<~``: the order of the varchar_pattern_ops index (as in
    ``orgs.queries.members_in_tree_order``), so a page of a province-wide list reads a few index entries
    instead of sorting the subtree. The comment carries the direction Django's compiler looks for."""

    template = "%(expression)s USING ~<~ /* %(ordering)s */"


def _tree_order(queryset: QuerySet, *first) -> QuerySet:
    if connections[queryset.db].vendor == "postgresql" and not first:
        return queryset.order_by(_PatternOrder(F("path")))
    return queryset.order_by(*first, "path")


def list_rows(scope: Scope, figure: FigureList) -> QuerySet[OrgFigures]:
    """The organizations behind a figure (their own rows), in tree order."""
    rows = (
        scope.rows()
        .filter(kind=OrgFigures.Kind.OWN, path__startswith=scope.node.path)
        .filter(figure.condition)
        .select_related("org")
    )
    return _tree_order(rows)


def lagging_rows(scope: Scope) -> QuerySet[OrgFigures]:
    """Organizations with the most overdue work (逾期整改 + 逾期节点任务), most first."""
    return (
        scope.rows()
        .filter(kind=OrgFigures.Kind.OWN, path__startswith=scope.node.path, lag__gt=0)
        .select_related("org")
        .order_by("-lag", "path")
    )
