"""Scoped reads of 党建工作指导员 (the assignments a 组织部 manages, the organizations an instructor guides) and
大学生村官. Built only on ``orgs.queries``."""

from django.db.models import QuerySet

from orgs import queries
from orgs.enums import Role
from orgs.models import Member, Org, RoleAssignment

INSTRUCTOR_MANAGE_ROLES = queries.MANAGE_ROLES


# --- 党建工作指导员 -------------------------------------------------------------------------------


def instructor_assignments_for(user) -> QuerySet[RoleAssignment]:
    """Instructor assignments on basic organizations inside the 组织部 user's subtree."""
    return RoleAssignment.objects.filter(
        queries.org_scope_q(user, roles=INSTRUCTOR_MANAGE_ROLES, prefix="org__"), role=Role.INSTRUCTOR
    )


def assigned_orgs(user) -> list[Org]:
    """The basic organizations an instructor guides (no query: assignments are cached on the user)."""
    return sorted(
        {a.org.pk: a.org for a in queries.assignments(user) if a.role in queries.GUIDE_ROLES}.values(),
        key=lambda o: o.path,
    )


# --- 大学生村官 ------------------------------------------------------------------------------------


def college_officials(user) -> QuerySet[Member]:
    """大学生村官 in scope, in tree order off their partial index (a few thousand of the province's millions)."""
    return queries.members_in_tree_order(queries.members_for(user).filter(college_official=True).select_related("org"))
