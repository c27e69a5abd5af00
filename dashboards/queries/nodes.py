"""The node's figures, its children's and its series: a fixed number of indexed queries."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from common.numbers import percent
from orgs import queries
from orgs.enums import Sector
from orgs.models import Org

from ..models import PHASE_SLOTS, OrgFigures, OrgSeries, OwnSeries
from .figures import SUMS, Figures
from .scope import DASH_ROLES, Scope


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
    subtree = OrgSeries.objects.filter(snapshot=scope.snapshot, org_id=scope.node.pk)
    # A leaf's subtree series are its own series, kept only in OwnSeries (dashboards.services.rollup): they are
    # read when the snapshot holds no subtree series for the node (then its own are empty too, or it is a leaf).
    own = OwnSeries.objects.filter(snapshot=scope.snapshot, org_id=scope.node.pk).filter(~Exists(subtree))
    parts = [
        queryset.filter(scope.sector_q()).order_by().values_list("family", "key1", "key2").annotate(n=Sum("value"))
        for queryset in (subtree, own)
    ]
    rows = parts[0].union(parts[1], all=True)
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


def node_total(scope: Scope) -> Figures:
    """The node's subtree figures alone (one query)."""
    row = scope.rows().filter(org_id=scope.node.pk, kind=OrgFigures.Kind.TREE).aggregate(**SUMS)
    return Figures.from_row(row)
