"""Scoped reads of the 亮牌示范 register (党员示范户, 党员先锋岗, 党员责任区, 示范岗位) and of 佩戴党徽, and the counts
dashboards show.

"“亮牌示范”活动。通过佩戴党徽、党员示范户、党员先锋岗、党员责任区等形式，把党员身份亮出来，促进党员发挥先锋
模范作用。" (seed, part 四.(二).4)

Built only on ``orgs.queries``: rows carry the organization's path and sector (``org_path``, ``org_sector``) like
members do, so ``orgs.queries.member_scope_q`` (a role's subtree, and only its sector for a sector supervisor) is
the scope of both tables. Outside the scope: 404; wrong role inside it: 403 (the views).
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from common.numbers import percent
from orgs import queries
from orgs.enums import Role
from orgs.models import Org

from ..models import BadgeEntry, BadgeKind, BadgeWearing
from ..models.badges import current_q
from ..queries import activities as queries_activities

# 亮牌示范 is one of the five activities: the same readers as the activity records (the navigation link shows
# under the same condition); a member's own badges are on the member's record, not here.
READ_ROLES = queries_activities.READ_ROLES
# The basic organization's secretary, or the 组织部 covering the organization.
WRITE_ROLES = frozenset({Role.SECRETARY, Role.ORG_DEPARTMENT})
STATE_CURRENT = "current"
STATE_ALL = "all"


def list_node(user, code: str | None) -> Org | None:
    """The node a list is narrowed to by ``?org=<code>``: 404 outside the user's scope, 403 when none of the
    reading roles covers it; None when no code is given (the user's whole scope)."""
    code = (code or "").strip()
    if not code:
        return None
    node = queries.get_org_or_404(user, code)
    if not queries.covers(user, node, READ_ROLES):
        raise PermissionDenied
    return node


# --- the register ---------------------------------------------------------------------------------


def entries_for(user, *, roles=READ_ROLES) -> QuerySet[BadgeEntry]:
    return BadgeEntry.objects.filter(queries.member_scope_q(user, roles=roles))


def entry_list(
    user,
    *,
    node: Org | None = None,
    kind: str = "",
    sector: str = "",
    state: str = STATE_CURRENT,
    today: datetime.date | None = None,
) -> QuerySet[BadgeEntry]:
    """The register as the list and its export show it: scope, node, kind, sector, current or all; tree order."""
    rows = entries_for(user)
    if node is not None:
        rows = rows.filter(org_path__startswith=node.path)
    if kind:
        rows = rows.filter(kind=kind)
    if sector:
        rows = rows.filter(org_sector=sector)
    if state != STATE_ALL:
        rows = rows.filter(current_q(today or timezone.localdate()))
    return rows.select_related("org", "member").order_by("org_path", "id")


def get_entry_or_404(user, pk) -> BadgeEntry:
    """An entry anywhere the user can see (any role): 404 outside; the view then checks the role (403)."""
    entries = entries_for(user, roles=queries.ALL_ROLES).select_related("org", "member", "created_by")
    return queries.row_or_404(entries, pk, "badge entry")


def can_write(user, org: Org) -> bool:
    return queries.covers(user, org, WRITE_ROLES)


# --- 佩戴党徽 ------------------------------------------------------------------------------------


def wearing_for(user, *, roles=READ_ROLES) -> QuerySet[BadgeWearing]:
    return BadgeWearing.objects.filter(queries.member_scope_q(user, roles=roles))


def wearing_list(
    user, *, node: Org | None = None, month: datetime.date | None = None, sector: str = ""
) -> QuerySet[BadgeWearing]:
    rows = wearing_for(user)
    if node is not None:
        rows = rows.filter(org_path__startswith=node.path)
    if sector:
        rows = rows.filter(org_sector=sector)
    if month is not None:
        rows = rows.filter(month=month)
    return rows.select_related("org").order_by("-month", "org_path", "id")


def latest_month(rows: QuerySet[BadgeWearing]) -> datetime.date | None:
    return rows.order_by().aggregate(m=Max("month"))["m"]


def wearing_totals(rows: QuerySet[BadgeWearing]) -> dict:
    """Organizations, members wearing and members counted over ``rows``: one aggregate."""
    totals = rows.order_by().aggregate(orgs=Count("pk"), wearing=Sum("wearing"), total=Sum("total"))
    wearing, total = totals["wearing"] or 0, totals["total"] or 0
    return {"orgs": totals["orgs"], "wearing": wearing, "total": total, "rate": percent(wearing, total)}


# --- counts for dashboards --------------------------------------------------------------------------


def badge_counts(org_path_prefix: str, *, today: datetime.date | None = None) -> dict:
    """Current register entries per kind and 佩戴党徽 participation in the subtree ``org_path_prefix``: two queries.

    Returns ``{"current": {kind: n, …} (every BadgeKind value), "current_total": n, "wearing": n,
    "wearing_total": n, "wearing_orgs": n, "wearing_rate": Decimal | None}``. 佩戴党徽 sums each organization's
    latest month recorded up to ``today`` (an organization that recorded once still counts). Not scoped to a
    user: the caller has already decided that the user may see the subtree.
    """
    today = today or timezone.localdate()
    per_kind = BadgeEntry.objects.filter(current_q(today), org_path__startswith=org_path_prefix).aggregate(
        **{kind: Count("pk", filter=Q(kind=kind)) for kind in BadgeKind.values}
    )
    latest = BadgeWearing.objects.filter(org=OuterRef("org"), month__lte=today).order_by("-month").values("month")[:1]
    wearing = (
        BadgeWearing.objects.filter(org_path__startswith=org_path_prefix, month=Subquery(latest))
        .order_by()
        .aggregate(orgs=Count("pk"), wearing=Sum("wearing"), total=Sum("total"))
    )
    worn, total = wearing["wearing"] or 0, wearing["total"] or 0
    return {
        "current": per_kind,
        "current_total": sum(per_kind.values()),
        "wearing": worn,
        "wearing_total": total,
        "wearing_orgs": wearing["orgs"],
        "wearing_rate": percent(worn, total),
    }
