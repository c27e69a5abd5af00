"""Scoped reads and role answers for implementation plans and public commitments.

Built only on ``orgs.queries``: "创先争优活动的领导关系按党组织隶属关系确定。" (seed, part 五).
The writer of a plan is the ``secretary`` covering the organization ("基层党组织要具体负责本地本单位
创先争优活动的组织实施"); the approver is the ``org_department`` covering it, or the ``secretary`` of the
directly superior committee.
"""

from django.db.models import Q, QuerySet

from orgs import queries
from orgs.enums import Role
from orgs.models import Member, Org, RoleAssignment, User

from ..models import Commitment, Plan

WRITER_ROLES = frozenset({Role.SECRETARY})
# Who reads plans and organizations' commitments in their subtree (members read only their own).
READ_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECTOR_SUPERVISOR, Role.SECRETARY}) | (
    queries.GUIDE_ROLES  # 党建工作指导员 read the basic organizations they are assigned to
)
APPROVER_ROLES = frozenset({Role.ORG_DEPARTMENT, Role.SECRETARY})


# --- roles ----------------------------------------------------------------------------------


def is_writer(user, org: Org) -> bool:
    return queries.covers(user, org, WRITER_ROLES)


def _parent_path(org: Org) -> str:
    return org.path[: -Org.steplen]


def is_parent_secretary(user, org: Org) -> bool:
    """A secretary assignment on the directly superior committee of ``org``."""
    parent = _parent_path(org)
    return bool(parent) and any(a.role == Role.SECRETARY and a.org.path == parent for a in queries.assignments(user))


def is_approver(user, org: Org) -> bool:
    return queries.covers(user, org, {Role.ORG_DEPARTMENT}) or is_parent_secretary(user, org)


def approvable_q(user, prefix: str = "org__") -> Q:
    """A Q over organizations whose plans ``user`` may approve."""
    q = queries.org_scope_q(user, roles={Role.ORG_DEPARTMENT}, prefix=prefix)
    for a in queries.assignments(user):
        if a.role == Role.SECRETARY:
            q |= Q(**{f"{prefix}path__startswith": a.org.path, f"{prefix}depth": a.org.depth + 1})
    return q


def approvers_of(org: Org) -> list[User]:
    """Whom to tell that a plan waits: the nearest organization department above (or on) ``org``,
    and the secretaries of its directly superior committee."""
    paths = org.ancestor_paths()
    rows = list(
        RoleAssignment.objects.filter(
            org__path__in=paths, role__in=[Role.ORG_DEPARTMENT, Role.SECRETARY], user__is_active=True
        ).select_related("org", "user")
    )
    users = [a.user for a in queries.nearest_departments(org, rows)]
    users += [a.user for a in rows if a.role == Role.SECRETARY and a.org.path == _parent_path(org)]
    return list({u.pk: u for u in users}.values())


def secretaries_of(org: Org) -> list[User]:
    return [
        a.user
        for a in RoleAssignment.objects.filter(org=org, role=Role.SECRETARY, user__is_active=True).select_related(
            "user"
        )
    ]


def own_plan_orgs(user) -> list[Org]:
    """Basic organizations the user is secretary of (where the list offers "编写/编辑")."""
    return sorted(
        {a.org.pk: a.org for a in queries.assignments(user) if a.role == Role.SECRETARY and a.org.is_basic}.values(),
        key=lambda o: o.path,
    )


# --- plans ----------------------------------------------------------------------------------


def plans_for(user, campaign=None, *, roles=READ_ROLES) -> QuerySet[Plan]:
    """Plans of organizations in scope for ``roles`` (None: any role, i.e. the whole visible scope)."""
    qs = Plan.objects.filter(queries.org_scope_q(user, roles=roles, prefix="org__"))
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs


def get_plan_or_404(user, pk) -> Plan:
    return queries.row_or_404(plans_for(user, roles=None).select_related("org", "campaign"), pk, "plan")


# --- commitments ----------------------------------------------------------------------------


def commitment_scope_q(user, *, roles=READ_ROLES) -> Q:
    """Commitments of organizations in scope for ``roles`` (None: any role), plus a member's own ones."""
    q = queries.org_scope_q(user, roles=roles, prefix="org__")
    if user.is_authenticated and user.member_id and queries.has_role(user, {Role.MEMBER}):
        q |= Q(member_id=user.member_id)
    return q


def commitments_for(user, campaign=None, *, roles=READ_ROLES) -> QuerySet[Commitment]:
    qs = Commitment.objects.filter(commitment_scope_q(user, roles=roles))
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs


def get_commitment_or_404(user, pk) -> Commitment:
    return queries.row_or_404(
        commitments_for(user, roles=None).select_related("org", "member", "campaign"), pk, "commitment"
    )


def can_read_commitment(user, commitment: Commitment) -> bool:
    if commitment.member_id and user.member_id == commitment.member_id and queries.own_member(user) is not None:
        return True
    return queries.covers(user, commitment.org, READ_ROLES)


def can_write_commitment(user, commitment: Commitment) -> bool:
    """The secretary covering the organization, or the member itself for its own commitment."""
    if commitment.member_id and user.member_id == commitment.member_id and queries.own_member(user) is not None:
        return True
    return is_writer(user, commitment.org)


def members_of(user, org: Org) -> QuerySet[Member]:
    """Members of ``org`` the user may write commitments for (a secretary covering it)."""
    return queries.members_for(user, roles=WRITER_ROLES).filter(org=org).order_by("name", "id")


# --- public ---------------------------------------------------------------------------------


def public_org_or_404(code: str) -> Org:
    return queries.first_or_404(Org.objects.filter(code=code, active=True), "organization")
