"""Scoped reads for supervision (督促检查), built only on the orgs scope gateway.

Who may act: ``orgs.queries.covers`` first; a sector supervisor acts only on organizations of its own
sector ("行业主管部门要加强对本行业、本系统开展创先争优活动的具体指导和督促检查", seed part 五) — territorial
committees stay visible to it for navigation, but it inspects, remarks and orders only in its sector.
"""

import datetime

from django.db.models import Count, OuterRef, Q, QuerySet
from django.utils import timezone

from common.subqueries import count_per_row
from orgs import queries
from orgs.enums import Role
from orgs.models import Org, RoleAssignment, User

from ..models import ContactPoint, Inspection, InspectionMethod, LeadingGroup, RectificationOrder, Remark

SUPERVISE_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECTOR_SUPERVISOR})
ISSUE_ROLES = frozenset({Role.ORG_DEPARTMENT, Role.SECTOR_SUPERVISOR})
# 党建工作指导员 remark on (and read) the basic organizations they are assigned to (orgs.queries.GUIDE_ROLES).
REMARK_ROLES = SUPERVISE_ROLES | queries.GUIDE_ROLES
READ_ROLES = SUPERVISE_ROLES | {Role.SECRETARY} | queries.GUIDE_ROLES
GROUP_READ_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT})
GROUP_MANAGE_ROLES = frozenset({Role.ORG_DEPARTMENT})
# When one user acts from several assignments on the same node, the department's own role wins.
ROLE_PRIORITY = {Role.ORG_DEPARTMENT: 3, Role.SECTOR_SUPERVISOR: 2, Role.LEADING_GROUP: 1}


# --- who may act ------------------------------------------------------------------------------


def acting_assignments(user, org: Org, roles) -> list[RoleAssignment]:
    """The user's assignments of ``roles`` from which it may act on ``org`` (sector supervisors: own sector only)."""
    if not queries.covers(user, org, roles):
        return []
    return [
        a
        for a in queries.assignments(user)
        if a.role in roles and org.path.startswith(a.org.path) and (not a.sector or org.sector == a.sector)
    ]


def acting_assignment(user, org: Org, roles, *, above: bool = False) -> RoleAssignment | None:
    """The most specific assignment to act from (deepest node); ``above``: only nodes strictly above ``org``."""
    found = acting_assignments(user, org, roles)
    if above:
        found = [a for a in found if a.org.depth < org.depth]
    if not found:
        return None
    return max(found, key=lambda a: (a.org.depth, ROLE_PRIORITY.get(a.role, 0)))


def supervises(user, org: Org, roles=SUPERVISE_ROLES) -> bool:
    return bool(acting_assignments(user, org, roles))


def supervision_q(user, *, prefix: str = "org__", roles=SUPERVISE_ROLES) -> Q:
    """A Q over rows whose organization (``prefix``) the user supervises."""
    roles = frozenset(roles)
    plain = roles - {Role.SECTOR_SUPERVISOR}
    q = queries.org_scope_q(user, roles=plain, prefix=prefix) if plain else Q(pk__in=[])
    if Role.SECTOR_SUPERVISOR in roles:
        q |= queries.org_scope_q(user, roles={Role.SECTOR_SUPERVISOR}, prefix=prefix) & ~Q(**{f"{prefix}sector": ""})
    return q


def _secretary_q(user, prefix="org__") -> Q:
    return queries.org_scope_q(user, roles={Role.SECRETARY, *queries.GUIDE_ROLES}, prefix=prefix)


# --- inspections ------------------------------------------------------------------------------


def _issuing_side_q(user) -> Q:
    """暗访 records: only users whose scope contains the issuing node (the issuing side and its superiors)."""
    return queries.org_scope_q(user, roles=SUPERVISE_ROLES, prefix="issuer_org__")


def inspections_for(user) -> QuerySet[Inspection]:
    not_covert = ~Q(method=InspectionMethod.COVERT_VISIT)
    visible = (supervision_q(user) & (not_covert | _issuing_side_q(user))) | (_secretary_q(user) & not_covert)
    return Inspection.objects.filter(visible)


def on_issuing_side(user, inspection: Inspection) -> bool:
    return queries.covers(user, inspection.issuer_org, SUPERVISE_ROLES)


def can_read_inspection(user, inspection: Inspection) -> bool:
    if inspection.is_covert:
        return supervises(user, inspection.org) and on_issuing_side(user, inspection)
    return supervises(user, inspection.org) or queries.covers(
        user, inspection.org, {Role.SECRETARY, *queries.GUIDE_ROLES}
    )


def get_inspection_or_404(user, pk) -> Inspection:
    """404 outside the scope (and for a 暗访 seen from the inspected side); the caller checks the role (403)."""
    scope = queries.org_scope_q(user, prefix="org__") & (
        ~Q(method=InspectionMethod.COVERT_VISIT) | _issuing_side_q(user)
    )
    rows = Inspection.objects.filter(scope).select_related("org", "issuer_org", "created_by", "guidance_group")
    return queries.row_or_404(rows, pk, "inspection")


# --- remarks and rectification orders ----------------------------------------------------------


def remarks_for(user) -> QuerySet[Remark]:
    return Remark.objects.filter(supervision_q(user) | _secretary_q(user))


def orders_for(user) -> QuerySet[RectificationOrder]:
    return RectificationOrder.objects.filter(supervision_q(user) | _secretary_q(user))


def can_read_addressed(user, org: Org) -> bool:
    """Remarks and orders: the supervising side, and the organization's own secretary."""
    return supervises(user, org) or queries.covers(user, org, {Role.SECRETARY, *queries.GUIDE_ROLES})


def _get_in_scope(model, user, pk, related):
    rows = model.objects.filter(queries.org_scope_q(user, prefix="org__")).select_related(*related)
    return queries.row_or_404(rows, pk, model._meta.model_name)


def get_remark_or_404(user, pk) -> Remark:
    return _get_in_scope(Remark, user, pk, ["org", "author_org", "author", "guidance_group"])


def get_order_or_404(user, pk) -> RectificationOrder:
    return _get_in_scope(RectificationOrder, user, pk, ["org", "issuer_org", "issued_by", "verified_by"])


def may_respond(user, order: RectificationOrder) -> bool:
    """The organization's secretary (or, for a committee, its own 组织部 on that very node) responds."""
    if queries.covers(user, order.org, {Role.SECRETARY}):
        return True
    return any(a.role == Role.ORG_DEPARTMENT and a.org_id == order.org_id for a in queries.assignments(user))


def may_verify(user, order: RectificationOrder) -> bool:
    """The issuer verifies: the issuing department's role on the issuing node or above it."""
    return any(
        order.issuer_org.path.startswith(a.org.path) for a in acting_assignments(user, order.org, {order.issuer_role})
    )


def awaiting_verification(user, roles=ISSUE_ROLES) -> QuerySet[RectificationOrder]:
    """Orders answered (待验收) that the user may verify (``may_verify`` for a whole list, for his ``roles``): issued
    with one of his roles on or below his node of that role, to an organization of his subtree."""
    q = Q(pk__in=[])
    for a in queries.assignments(user):
        if a.role not in roles:
            continue
        part = Q(issuer_role=a.role, issuer_org__path__startswith=a.org.path, org__path__startswith=a.org.path)
        if a.sector:
            part &= Q(org__sector=a.sector)
        q |= part
    return RectificationOrder.objects.filter(q, status=RectificationOrder.Status.RESPONDED)


def order_counts(orders: QuerySet[RectificationOrder], today: datetime.date | None = None) -> dict:
    """未完成 / 已逾期 / 待验收 / 已验收, in one aggregate query."""
    today = today or timezone.localdate()
    unfinished = Q(status__in=RectificationOrder.UNFINISHED)
    return orders.aggregate(
        open=Count("pk", filter=unfinished),
        overdue=Count("pk", filter=unfinished & Q(deadline__lt=today)),
        responded=Count("pk", filter=Q(status=RectificationOrder.Status.RESPONDED)),
        verified=Count("pk", filter=Q(status=RectificationOrder.Status.VERIFIED)),
    )


def filter_orders(orders, state: str, today: datetime.date | None = None):
    today = today or timezone.localdate()
    if state == "open":
        return orders.filter(status__in=RectificationOrder.UNFINISHED)
    if state == "overdue":
        return orders.filter(status__in=RectificationOrder.UNFINISHED, deadline__lt=today)
    if state == "responded":
        return orders.filter(status=RectificationOrder.Status.RESPONDED)
    if state == "verified":
        return orders.filter(status=RectificationOrder.Status.VERIFIED)
    return orders


def responders_of(org: Org) -> QuerySet[User]:
    """Who answers an order to ``org``: its secretaries, and the 组织部 on that very node."""
    return User.objects.filter(
        is_active=True,
        assignments__org=org,
        assignments__role__in=[Role.SECRETARY, Role.ORG_DEPARTMENT],
    ).distinct()


def superior_departments(issuer_paths: set[str]) -> dict[str, list[User]]:
    """For each issuing node path: the 组织部 users of its nearest strict ancestor that has any (one query)."""
    ancestors = set()
    for path in issuer_paths:
        ancestors.update(path[:end] for end in range(Org.steplen, len(path), Org.steplen))
    by_path: dict[str, list[User]] = {}
    rows = RoleAssignment.objects.filter(
        role=Role.ORG_DEPARTMENT, org__path__in=ancestors, org__active=True, user__is_active=True
    ).select_related("user", "org")
    for a in rows:
        by_path.setdefault(a.org.path, []).append(a.user)
    result = {}
    for path in issuer_paths:
        result[path] = []
        for end in range(len(path) - Org.steplen, 0, -Org.steplen):
            users = by_path.get(path[:end])
            if users:
                result[path] = users
                break
    return result


# --- leading groups and contact points ----------------------------------------------------------


def groups_for(user) -> QuerySet[LeadingGroup]:
    return LeadingGroup.objects.filter(queries.org_scope_q(user, roles=GROUP_READ_ROLES, prefix="org__"))


def get_group_or_404(user, pk) -> LeadingGroup:
    return _get_in_scope(LeadingGroup, user, pk, ["org"])


def can_read_group(user, group: LeadingGroup) -> bool:
    return queries.covers(user, group.org, GROUP_READ_ROLES)


def can_manage_group(user, group_org: Org) -> bool:
    return queries.covers(user, group_org, GROUP_MANAGE_ROLES)


def points_for(user) -> QuerySet[ContactPoint]:
    q = queries.org_scope_q(user, roles=GROUP_READ_ROLES, prefix="leader__group__org__")
    if getattr(user, "is_authenticated", False):
        q |= Q(leader__user=user)
    return ContactPoint.objects.filter(q)


def get_point_or_404(user, pk) -> ContactPoint:
    q = queries.org_scope_q(user, prefix="leader__group__org__") | queries.org_scope_q(user, prefix="org__")
    q |= Q(leader__user=user)
    rows = ContactPoint.objects.filter(q).select_related("org", "leader", "leader__group", "leader__group__org")
    return queries.row_or_404(rows, pk, "contact point")


def can_read_point(user, point: ContactPoint) -> bool:
    return point.leader.user_id == user.pk or can_read_group(user, point.leader.group)


def may_log_visit(user, point: ContactPoint) -> bool:
    return point.leader.user_id == user.pk or can_manage_group(user, point.leader.group.org)


def with_group_counts(groups: QuerySet[LeadingGroup]) -> QuerySet[LeadingGroup]:
    from ..models import LeadingGroupMember

    return groups.annotate(
        member_count=count_per_row(LeadingGroupMember.objects.filter(group=OuterRef("pk")), "group"),
        point_count=count_per_row(ContactPoint.objects.filter(leader__group=OuterRef("pk")), "leader__group"),
    )


# --- sector guidance (本领域) -----------------------------------------------------------------


def sector_orgs_for(user) -> QuerySet[Org]:
    """Organizations of the sector supervisor's own sector in its scope, with inspection / open-order counts."""
    orgs = queries.orgs_for(user, roles={Role.SECTOR_SUPERVISOR}).exclude(sector="")
    open_orders = RectificationOrder.objects.filter(org=OuterRef("pk"), status__in=RectificationOrder.UNFINISHED)
    return orgs.annotate(
        inspection_count=count_per_row(inspections_for(user).filter(org=OuterRef("pk")), "org"),
        open_order_count=count_per_row(open_orders, "org"),
    ).order_by("path")
