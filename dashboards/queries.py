"""Scoped reads of the dashboards, built only on ``orgs.queries`` and the roll-ups of the latest snapshot.

"创先争优活动的领导关系按党组织隶属关系确定" (seed, part 五): a leading group or 组织部 sees the figures of
its subtree, a 行业主管部门 ("加强对本行业、本系统开展创先争优活动的具体指导和督促检查") those of its sector.
Every page reads a fixed number of indexed queries: the node's rows, its children's rows, its series.
"""

import functools
import operator
from dataclasses import dataclass, field, replace

from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import Exists, F, OrderBy, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from common.numbers import percent
from orgs import queries
from orgs.enums import Role, Sector
from orgs.models import Org

from .models import BADGE_FIELDS, COUNT_FIELDS, PHASE_SLOTS, OrgFigures, OrgSeries, Snapshot
from .services import latest_snapshot
from .sources_bodies import BODY_LISTS

DASH_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECTOR_SUPERVISOR})
REFRESH_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT})
SUMS = {name: Sum(name) for name in COUNT_FIELDS}


class Figures(dict):
    """The counts of one subtree (or one organization) with the shares computed from them."""

    @classmethod
    def from_row(cls, row: dict | None) -> "Figures":
        return cls({name: (row or {}).get(name) or 0 for name in COUNT_FIELDS})

    def __add__(self, other: "Figures") -> "Figures":
        return Figures({name: self[name] + other[name] for name in COUNT_FIELDS})

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def plan_pct(self):
        return percent(self["plan_approved"], self["plan_required"])

    @property
    def plan_missing(self):
        return self["plan_required"] - self["plan_approved"]

    @property
    def fulfilled_pct(self):
        return percent(self["commitments_fulfilled"], self["commitments_published"])

    @property
    def pa_pct(self):
        return percent(self["pa_reports"], self["members_in_service"])

    @property
    def pa_missing(self):
        return self["members_in_service"] - self["pa_reports"]

    @property
    def advanced_pct(self):
        return percent(self["tier_advanced"], self["tier_rated"])

    @property
    def prev_advanced_pct(self):
        return percent(self["prev_advanced"], self["prev_rated"])

    @property
    def no_contact_pct(self):
        return percent(self["households_no_contact"], self["households_active"])

    @property
    def resolved_pct(self):
        return percent(self["disputes_resolved"], self["disputes_found"])

    @property
    def instructor_pct(self):
        return percent(self["basic_with_instructor"], self["basic_orgs"])

    @property
    def instructor_missing(self):
        return self["basic_orgs"] - self["basic_with_instructor"]

    # 党员队伍: 党性分析 of every member, ratings, the 五个模范

    @property
    def pa_participated_pct(self):
        return percent(self["pa_participated"], self["members_total"])

    @property
    def pa_absent(self):
        return self["members_total"] - self["pa_participated"]

    @property
    def excellent_member_pct(self):
        return percent(self["rated_excellent"], self["members_rated"])

    def rated_pct(self, level: str):
        return percent(self[f"rated_{level}"], self["members_rated"])

    def model_pct(self, n: int):
        return percent(self[f"model{n}_reached"], self["models_assessed"])

    # 亮牌示范: current register entries, 佩戴党徽 (the sum of each basic organization's latest record)

    @property
    def badge_entries(self):
        return sum(self[column] for column in BADGE_FIELDS.values())

    @property
    def wearing_pct(self):
        """Members wearing the badge of the members counted, over the basic organizations' latest records."""
        return percent(self["wearing_members"], self["wearing_counted"])

    @property
    def wearing_orgs_pct(self):
        return percent(self["wearing_orgs"], self["basic_orgs"])

    @property
    def wearing_missing(self):
        return self["basic_orgs"] - self["wearing_orgs"]

    # 群众工作站, 述职评议, 一定三有 (dashboards.sources_bodies)

    @property
    def visits_closed_pct(self):
        return percent(self["station_visits_closed"], self["station_visits"])

    @property
    def duty_submitted_pct(self):
        return percent(self["duty_submitted"], self["basic_orgs"])

    @property
    def duty_missing(self):
        return self["basic_orgs"] - self["duty_submitted"]

    @property
    def duty_waiting(self):
        return self["duty_submitted"] - self["duty_rated"]

    @property
    def duty_rated_pct(self):
        return percent(self["duty_rated"], self["duty_submitted"])

    def duty_pct(self, rating: str):
        return percent(self[f"duty_{rating}"], self["duty_rated"])

    @property
    def measure_done_pct(self):
        return percent(self["measure_done"], self["measure_applicable"])


@dataclass
class Scope:
    """Where a dashboard looks: a node, the sectors counted (None: all) and the snapshot read."""

    user: object
    node: Org
    sectors: frozenset | None
    snapshot: Snapshot | None
    sector_param: str = ""
    ancestors: list = field(default_factory=list)

    def sector_q(self, prefix: str = "") -> Q:
        if self.sectors is None:
            return Q()
        return Q(**{f"{prefix}sector__in": sorted(self.sectors)})

    def rows(self) -> QuerySet[OrgFigures]:
        if self.snapshot is None:
            return OrgFigures.objects.none()
        return OrgFigures.objects.filter(snapshot=self.snapshot).filter(self.sector_q())

    @property
    def sector_label(self) -> str:
        if self.sectors is None:
            return ""
        labels = dict(Sector.choices)
        return "、".join(str(labels.get(s, s)) for s in sorted(self.sectors))


def user_sectors(user, node: Org) -> frozenset | None:
    """The sectors the user's dashboard roles let it count under ``node``: None when an assignment
    without a sector covers the node, else the sectors of the sector assignments that cover it."""
    sectors = set()
    for a in queries.assignments(user):
        if a.role not in DASH_ROLES or not node.path.startswith(a.org.path):
            continue
        if not a.sector:
            return None
        if node.sector in ("", a.sector):
            sectors.add(a.sector)
    return frozenset(sectors)


def top_node(user) -> Org | None:
    tops = queries.top_orgs(user, DASH_ROLES)
    return tops[0] if tops else None


def scope_for(user, code: str, *, sector: str = "", campaign=None) -> Scope:
    """The node ``code`` if the user may see it (404 otherwise) and read its dashboard (403 otherwise)."""
    node = queries.get_org_or_404(user, code)
    if not queries.covers(user, node, DASH_ROLES):
        raise PermissionDenied
    sectors = user_sectors(user, node)
    if sector in Sector.values and (sectors is None or sector in sectors):
        sectors = frozenset({sector})
    else:
        sector = ""
    if campaign is None:
        from campaign.services.timeline import current_campaign

        campaign = current_campaign()
    return Scope(user=user, node=node, sectors=sectors, snapshot=latest_snapshot(campaign), sector_param=sector)


def breadcrumbs(scope: Scope) -> list[Org]:
    """The node's ancestors the user may open a dashboard on (one query)."""
    paths = scope.node.ancestor_paths(include_self=False)
    if not paths:
        return []
    nodes = Org.objects.filter(path__in=paths).only("pk", "path", "code", "name", "sector", "depth").order_by("path")
    return [o for o in nodes if queries.covers(scope.user, o, DASH_ROLES)]


# --- the node and its children ---------------------------------------------------------------------


@dataclass
class ChildRow:
    org: Org | None  # None: the node's own row (本级)
    figures: Figures
    linkable: bool = True


@dataclass
class NodeFigures:
    total: Figures
    own: Figures
    children: list[ChildRow]


def node_figures(scope: Scope) -> NodeFigures:
    """The node's subtree, its own row and its children's subtrees: two indexed queries (children by
    ``(depth, path)``, then the rows by organization id), whatever the number of children."""
    node = scope.node
    children = list(
        Org.objects.filter(depth=node.depth + 1, path__startswith=node.path, active=True)
        .filter(
            # A child outside the user's visible scope shows only when it has rows in the user's sectors.
            queries.org_scope_q(scope.user, roles=DASH_ROLES)
            | Exists(scope.rows().filter(kind=OrgFigures.Kind.TREE, org_id=OuterRef("pk")))
        )
        .only("pk", "path", "code", "name", "level", "sector", "depth", "numchild")
        .order_by("path")
    )
    rows = (
        scope.rows()
        .filter(Q(org_id=node.pk) | Q(kind=OrgFigures.Kind.TREE, org_id__in=[c.pk for c in children]))
        .order_by()
        .values("org_id", "kind")
        .annotate(**SUMS)
    )
    empty = Figures.from_row(None)
    total, own, per_child = empty, empty, {}
    for row in rows:
        if row["org_id"] != node.pk:
            per_child[row["org_id"]] = Figures.from_row(row)
        elif row["kind"] == OrgFigures.Kind.TREE:
            total = Figures.from_row(row)
        else:
            own = Figures.from_row(row)
    child_rows = [
        ChildRow(org=o, figures=per_child.get(o.pk, empty), linkable=queries.covers(scope.user, o, DASH_ROLES))
        for o in children
    ]
    return NodeFigures(total=total, own=own, children=child_rows)


def sector_rows(scope: Scope) -> list[tuple[str, str, Figures]]:
    """(sector, label, figures) of the node's subtree per sector (条): one query."""
    rows = (
        scope.rows()
        .filter(org_id=scope.node.pk, kind=OrgFigures.Kind.TREE)
        .order_by()
        .values("sector")
        .annotate(**SUMS)
    )
    labels = dict(Sector.choices)
    order = {value: n for n, value in enumerate(Sector.values)}
    out = [(r["sector"], labels.get(r["sector"], _("党委（未分领域）")), Figures.from_row(r)) for r in rows]
    return sorted(out, key=lambda item: order.get(item[0], -1))


# --- series ----------------------------------------------------------------------------------------


@dataclass
class Series:
    activity: dict = field(default_factory=dict)  # (type, month) -> n
    tiers: dict = field(default_factory=dict)  # (period id, tier) -> n
    nominations: dict = field(default_factory=dict)  # (category, status) -> n
    services: dict = field(default_factory=dict)  # (kind, month) -> n


def node_series(scope: Scope) -> Series:
    series = Series()
    if scope.snapshot is None:
        return series
    rows = (
        OrgSeries.objects.filter(snapshot=scope.snapshot, org_id=scope.node.pk)
        .filter(scope.sector_q())
        .order_by()
        .values_list("family", "key1", "key2")
        .annotate(n=Sum("value"))
    )
    target = {
        OrgSeries.Family.ACTIVITY: series.activity,
        OrgSeries.Family.TIER: series.tiers,
        OrgSeries.Family.NOMINATION: series.nominations,
        OrgSeries.Family.SERVICE: series.services,
    }
    for family, key1, key2, n in rows:
        target[family][(key1, key2)] = n
    return series


def phase_rows(scope: Scope, figures: Figures) -> list[dict]:
    phases = scope.snapshot.phases if scope.snapshot else []
    out = []
    for n, phase in enumerate(phases[:PHASE_SLOTS], start=1):
        applicable, done = figures[f"phase{n}_applicable"], figures[f"phase{n}_done"]
        out.append(
            {
                "order": phase["order"],
                "name": phase["name"],
                "applicable": applicable,
                "done": done,
                "percent": percent(done, applicable),
            }
        )
    return out


# --- lists behind the figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class FigureList:
    slug: str
    title: str
    condition: Q
    columns: tuple[str, ...]
    total_of: str = ""  # the column whose sum is the figure (empty: the number of organizations)
    count_of: str = ""  # the figure that is the number of organizations listed (0/1 columns)


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
        FigureList(
            "commitments_published",
            _("已公开承诺"),
            Q(commitments_published__gt=0),
            ("commitments_published", "commitments_fulfilled"),
            "commitments_published",
        ),
        FigureList(
            "commitments_fulfilled",
            _("已兑现承诺"),
            Q(commitments_fulfilled__gt=0),
            ("commitments_published", "commitments_fulfilled"),
            "commitments_fulfilled",
        ),
        FigureList(
            "pa_members",
            _("在职党员（党性分析）"),
            Q(members_in_service__gt=0),
            ("members_in_service", "pa_reports"),
            "members_in_service",
        ),
        FigureList(
            "pa_reports",
            _("已交党性分析报告"),
            Q(pa_reports__gt=0),
            ("members_in_service", "pa_reports"),
            "pa_reports",
        ),
        FigureList(
            "pa_missing",
            _("党性分析未全覆盖的组织"),
            Q(pa_reports__lt=F("members_in_service")),
            ("members_in_service", "pa_reports"),
        ),
        FigureList("activities", _("活动记录"), Q(activities__gt=0), ("activities",), "activities"),
        FigureList(
            "tier_rated", _("本期已评定档次"), Q(tier_rated__gt=0), ("tier_advanced", "tier_middle", "tier_backward")
        ),
        FigureList("tier_advanced", _("先进（“五个好”）"), Q(tier_advanced__gt=0), ("tier_advanced",)),
        FigureList("tier_middle", _("中间"), Q(tier_middle__gt=0), ("tier_middle",)),
        FigureList("tier_backward", _("后进"), Q(tier_backward__gt=0), ("tier_backward",)),
        FigureList("moved_up", _("晋档"), Q(moved_up__gt=0), ("moved_up",)),
        FigureList("moved_down", _("降档"), Q(moved_down__gt=0), ("moved_down",)),
        FigureList(
            "nominations", _("本轮推荐"), Q(nominations__gt=0), ("nominations", "nominations_approved"), "nominations"
        ),
        FigureList(
            "nominations_approved",
            _("本轮批准表彰"),
            Q(nominations_approved__gt=0),
            ("nominations", "nominations_approved"),
            "nominations_approved",
        ),
        FigureList("rect_open", _("限期整改未完成"), Q(rect_open__gt=0), ("rect_open", "rect_overdue"), "rect_open"),
        FigureList(
            "rect_overdue", _("限期整改已逾期"), Q(rect_overdue__gt=0), ("rect_open", "rect_overdue"), "rect_overdue"
        ),
        FigureList("rect_verified", _("限期整改已验收"), Q(rect_verified__gt=0), ("rect_verified",), "rect_verified"),
        FigureList(
            "reminders_sent", _("已发送的到期提醒"), Q(reminders_sent__gt=0), ("reminders_sent",), "reminders_sent"
        ),
        FigureList(
            "ms_overdue", _("逾期未完成的节点任务"), Q(ms_overdue__gt=0), ("ms_due", "ms_overdue"), "ms_overdue"
        ),
        # 联系服务群众与基层治理
        FigureList(
            "households_active",
            _("党员联系户（联系中）"),
            Q(households_active__gt=0),
            ("households_active", "households_no_contact"),
            "households_active",
        ),
        FigureList(
            "households_no_contact",
            _("30天未联系的联系户"),
            Q(households_no_contact__gt=0),
            ("households_active", "households_no_contact"),
            "households_no_contact",
        ),
        FigureList(
            "service_records", _("联系服务记录"), Q(service_records__gt=0), ("service_records",), "service_records"
        ),
        FigureList("mass_meetings", _("干群恳谈会"), Q(mass_meetings__gt=0), ("mass_meetings",), "mass_meetings"),
        *[
            FigureList(slug, title, Q(**{f"{slug}__gt": 0}), DISPUTE_COLUMNS, slug)
            for slug, title in (
                ("disputes_found", _("排查发现的矛盾纠纷")),
                ("disputes_resolved", _("矛盾纠纷已化解")),
                ("disputes_escalated", _("矛盾纠纷已上交")),
                ("disputes_unresolved", _("矛盾纠纷未化解")),
                ("disputes_pending", _("矛盾纠纷处理中")),
            )
        ],
        FigureList("bulletins", _("印发信息简报"), Q(bulletins__gt=0), ("bulletins",), "bulletins"),
        FigureList(
            "basic_with_instructor",
            _("有党建工作指导员的基层党组织"),
            Q(basic_with_instructor__gt=0),
            ("basic_with_instructor",),
        ),
        FigureList(
            "instructor_missing",
            _("尚未派驻党建工作指导员的基层党组织"),
            Q(basic_orgs__gt=0, basic_with_instructor=0),
            ("basic_orgs",),
        ),
        # 党员队伍
        FigureList(
            "members_total", _("党员"), Q(members_total__gt=0), ("members_total", "pa_participated"), "members_total"
        ),
        FigureList(
            "pa_participated",
            _("参加党性分析的党员"),
            Q(pa_participated__gt=0),
            ("members_total", "pa_participated", "pa_written"),
            "pa_participated",
        ),
        FigureList(
            "pa_absent",
            _("党性分析尚未全员参加的组织"),
            Q(pa_participated__lt=F("members_total")),
            ("members_total", "pa_participated"),
        ),
        FigureList(
            "pa_written",
            _("党性分析报告（含自愿撰写）"),
            Q(pa_written__gt=0),
            ("members_in_service", "pa_reports", "pa_written"),
            "pa_written",
        ),
        FigureList(
            "members_rated",
            _("本期已评定等次的党员"),
            Q(members_rated__gt=0),
            ("members_rated", "rated_excellent", "rated_qualified", "rated_basic", "rated_unqualified"),
            "members_rated",
        ),
        *[
            FigureList(
                f"rated_{level}",
                title,
                Q(**{f"rated_{level}__gt": 0}),
                ("members_rated", f"rated_{level}"),
                f"rated_{level}",
            )
            for level, title in (
                ("excellent", _("评定为优秀的党员")),
                ("qualified", _("评定为合格的党员")),
                ("basic", _("评定为基本合格的党员")),
                ("unqualified", _("评定为不合格的党员")),
            )
        ],
        FigureList(
            "models_assessed",
            _("本期党组织已考核的党员（“五个模范”）"),
            Q(models_assessed__gt=0),
            ("models_assessed", *[f"model{n}_reached" for n in range(1, 6)]),
            "models_assessed",
        ),
        FigureList(
            "college_officials",
            _("大学生村官"),
            Q(college_officials__gt=0),
            ("college_officials",),
            "college_officials",
        ),
        # 亮牌示范
        FigureList(
            "badge_entries",
            _("有亮牌示范登记（示范中）的组织"),
            functools.reduce(operator.or_, [Q(**{f"{c}__gt": 0}) for c in BADGE_FIELDS.values()]),
            tuple(BADGE_FIELDS.values()),
        ),
        *[
            FigureList(column, title, Q(**{f"{column}__gt": 0}), (column,), column)
            for column, title in (
                ("badge_demo_household", _("党员示范户（示范中）")),
                ("badge_vanguard_post", _("党员先锋岗（示范中）")),
                ("badge_responsibility_area", _("党员责任区（示范中）")),
                ("badge_model_post", _("示范岗位（示范中）")),
            )
        ],
        FigureList(
            "wearing_orgs",
            _("已登记佩戴党徽的基层党组织（最近一次登记）"),
            Q(wearing_orgs__gt=0),
            ("wearing_members", "wearing_counted"),
        ),
        FigureList(
            "wearing_missing",
            _("尚未登记佩戴党徽的基层党组织"),
            Q(basic_orgs__gt=0, wearing_orgs=0),
            ("basic_orgs",),
        ),
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


def node_total(scope: Scope) -> Figures:
    """The node's subtree figures alone (one query)."""
    row = scope.rows().filter(org_id=scope.node.pk, kind=OrgFigures.Kind.TREE).aggregate(**SUMS)
    return Figures.from_row(row)


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


def can_refresh(user) -> bool:
    return queries.has_role(user, REFRESH_ROLES)
