"""Where a dashboard looks: the node the user may open, the sectors counted and the snapshot read.

"创先争优活动的领导关系按党组织隶属关系确定" (seed, part 五): a leading group or 组织部 sees the figures of
its subtree, a 行业主管部门 ("加强对本行业、本系统开展创先争优活动的具体指导和督促检查") those of its sector.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from orgs import queries
from orgs.enums import Role, Sector
from orgs.models import Org

from ..models import OrgFigures, Snapshot
from ..services import latest_snapshot

DASH_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECTOR_SUPERVISOR})
REFRESH_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT})


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


def can_refresh(user) -> bool:
    return queries.has_role(user, REFRESH_ROLES)
