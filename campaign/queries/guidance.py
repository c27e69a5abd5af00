"""Scoped reads for the 指导小组 of provincial departments, built only on the orgs scope gateway.

"省直有关部门要成立指导小组，加强对相关领域(行业)创先争优活动的具体指导。" (seed, part 五)

A provincial department is a 行业主管部门 account on a province node for one sector: it sees and manages the
groups of its own sector only. The province's 组织部 sees and manages every group of the province; its 领导小组
reads them. Anybody else finds no group (404), like any record outside the scope.
"""

from django.db.models import OuterRef, Q, QuerySet

from common.subqueries import count_per_row
from orgs import queries
from orgs.enums import Role, Sector
from orgs.models import Org, RoleAssignment, User

from ..models import GuidanceContactPoint, GuidanceGroup, GuidanceGroupMember

DEPARTMENT_ROLES = frozenset({Role.SECTOR_SUPERVISOR})
MANAGE_ALL_ROLES = frozenset({Role.ORG_DEPARTMENT})
READ_ALL_ROLES = frozenset({Role.ORG_DEPARTMENT, Role.LEADING_GROUP})
READ_ROLES = DEPARTMENT_ROLES | READ_ALL_ROLES


def _province_assignments(user) -> list[RoleAssignment]:
    """The user's assignments on province nodes (the root of the tree)."""
    return [a for a in queries.assignments(user) if a.org.depth == 1]


def _grants(user, *, manage: bool) -> list[tuple[Org, str | None]]:
    """(province node, sector or None for every sector) the user may read (or manage)."""
    roles_all = MANAGE_ALL_ROLES if manage else READ_ALL_ROLES
    out = []
    for a in _province_assignments(user):
        if a.role in roles_all:
            out.append((a.org, None))
        elif a.role in DEPARTMENT_ROLES and a.sector:
            out.append((a.org, a.sector))
    return out


def guidance_q(user, *, manage: bool = False, prefix: str = "") -> Q:
    """A Q over guidance groups (``prefix`` names the relation to the group) the user may read / manage."""
    q = Q(pk__in=[])
    for org, sector in _grants(user, manage=manage):
        part = Q(**{f"{prefix}org__path__startswith": org.path})
        if sector:
            part &= Q(**{f"{prefix}sector": sector})
        q |= part
    return q


def has_guidance_access(user) -> bool:
    """May the user open the 指导小组 pages at all (no query)?"""
    return bool(_grants(user, manage=False))


def groups_for(user) -> QuerySet[GuidanceGroup]:
    return GuidanceGroup.objects.filter(guidance_q(user))


def with_counts(groups: QuerySet[GuidanceGroup]) -> QuerySet[GuidanceGroup]:
    """Members, contact points and inspections per group: correlated counts, no per-row query."""

    def count(model, field):
        return count_per_row(model.objects.filter(**{field: OuterRef("pk")}), field)

    from ..models import Inspection

    return groups.annotate(
        member_count=count(GuidanceGroupMember, "group"),
        point_count=count(GuidanceContactPoint, "group"),
        inspection_count=count(Inspection, "guidance_group"),
    )


def get_group_or_404(user, pk) -> GuidanceGroup:
    return queries.row_or_404(groups_for(user).select_related("org", "created_by"), pk, "guidance group")


def can_manage(user, group: GuidanceGroup) -> bool:
    """The department of the group's sector (on the group's province node), or the province's 组织部."""
    for org, sector in _grants(user, manage=True):
        if group.org.path.startswith(org.path) and (sector is None or sector == group.sector):
            return True
    return False


def may_act_for(user, group: GuidanceGroup) -> bool:
    """May the user record an inspection or a remark as the group? Those who manage it."""
    return can_manage(user, group)


def actable_groups(user) -> QuerySet[GuidanceGroup]:
    """Groups the user may record inspections and remarks as (the form's choices)."""
    return GuidanceGroup.objects.filter(guidance_q(user, manage=True)).order_by("sector", "name", "pk")


def creatable(user) -> list[tuple[Org, list[str]]]:
    """(province node, sectors) the user may form groups for: a department its own sectors, 组织部 all."""
    by_org: dict[int, tuple[Org, set]] = {}
    for org, sector in _grants(user, manage=True):
        entry = by_org.setdefault(org.pk, (org, set()))
        entry[1].update(Sector.values if sector is None else [sector])
    order = {value: n for n, value in enumerate(Sector.values)}
    return [(org, sorted(sectors, key=order.get)) for org, sectors in by_org.values()]


def creatable_sectors(user) -> list[str]:
    return sorted({s for _org, sectors in creatable(user) for s in sectors}, key=Sector.values.index)


def province_for(user, sector: str) -> Org | None:
    """The province node from which the user forms a group for ``sector`` (None: it may not)."""
    for org, sectors in creatable(user):
        if sector in sectors:
            return org
    return None


def members_of(group: GuidanceGroup) -> QuerySet[GuidanceGroupMember]:
    return group.members.select_related("user").order_by("order", "id")


def points_of(group: GuidanceGroup) -> QuerySet[GuidanceContactPoint]:
    return group.contact_points.select_related("org").order_by("org__path", "id")


def _get_in_group_scope(model, user, pk, related):
    """A member or contact point of a group the user may read (404 otherwise)."""
    rows = model.objects.filter(guidance_q(user, prefix="group__")).select_related(*related)
    return queries.row_or_404(rows, pk, model._meta.model_name)


def get_member_or_404(user, pk) -> GuidanceGroupMember:
    return _get_in_group_scope(GuidanceGroupMember, user, pk, ["group", "group__org", "user"])


def get_point_or_404(user, pk) -> GuidanceContactPoint:
    return _get_in_group_scope(GuidanceContactPoint, user, pk, ["group", "group__org", "org"])


def account_in_province(group: GuidanceGroup, username: str) -> User | None:
    """An active account holding a role inside the group's province (a member's optional link), or None."""
    return (
        User.objects.filter(username=username, is_active=True, assignments__org__path__startswith=group.org.path)
        .distinct()
        .first()
    )


def groups_guiding(node: Org, sectors=None) -> QuerySet[GuidanceGroup]:
    """The groups that guide ``node``'s sectors: those formed on ``node`` or one of its ancestors (the province)
    for one of ``sectors`` (None: every sector). For the dashboards' sector view; the name of a group is not
    confidential, its page keeps its own scope."""
    groups = GuidanceGroup.objects.filter(org__path__in=node.ancestor_paths(include_self=True))
    if sectors is not None:
        groups = groups.filter(sector__in=sorted(sectors))
    return groups.order_by("sector", "name", "pk")


def guidance_for_dashboard(user, node: Org, sectors=None) -> list[GuidanceGroup]:
    """``groups_guiding`` for the dashboards' sector view, each with ``readable``: may the user open its page.
    Two queries."""
    groups = list(groups_guiding(node, sectors))
    if groups:
        readable = set(groups_for(user).filter(pk__in=[g.pk for g in groups]).values_list("pk", flat=True))
        for group in groups:
            group.readable = group.pk in readable
    return groups
