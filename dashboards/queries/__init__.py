"""Scoped reads of the dashboards, built only on ``orgs.queries`` and the roll-ups of the latest snapshot.

"创先争优活动的领导关系按党组织隶属关系确定" (seed, part 五): a leading group or 组织部 sees the figures of
its subtree, a 行业主管部门 ("加强对本行业、本系统开展创先争优活动的具体指导和督促检查") those of its sector.
Every page reads a fixed number of indexed queries: the node's rows, its children's rows, its series.
"""

from .figures import SUMS, Figures
from .lists import COLUMN_LABELS, DISPUTE_COLUMNS, LISTS, FigureList, lagging_rows, list_rows
from .nodes import ChildRow, NodeFigures, Series, node_figures, node_series, node_total, phase_rows, sector_rows
from .scope import DASH_ROLES, REFRESH_ROLES, Scope, breadcrumbs, can_refresh, scope_for, top_node, user_sectors

__all__ = [
    "COLUMN_LABELS",
    "DASH_ROLES",
    "DISPUTE_COLUMNS",
    "LISTS",
    "REFRESH_ROLES",
    "SUMS",
    "ChildRow",
    "FigureList",
    "Figures",
    "NodeFigures",
    "Scope",
    "Series",
    "breadcrumbs",
    "can_refresh",
    "lagging_rows",
    "list_rows",
    "node_figures",
    "node_series",
    "node_total",
    "phase_rows",
    "scope_for",
    "sector_rows",
    "top_node",
    "user_sectors",
]
