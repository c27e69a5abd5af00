"""Scoped reads of 党建工作指导员 (the assignments a 组织部 manages, the organizations an instructor guides) and
大学生村官. Built only on ``orgs.queries``."""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from orgs import queries
from orgs.enums import Role
from orgs.models import Member, Org, RoleAssignment

from ..models import ActivityRecord, Remark
from .activities import activities_for

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


@dataclass
class GuidedOrg:
    """One organization on the instructor's page: its newest activity record (by when it was recorded) and the
    instructor's own last remark on it."""

    org: Org
    latest_activity: ActivityRecord | None
    last_remark_at: datetime.datetime | None

    @property
    def awaiting_remark(self) -> bool:
        """A record came in since the instructor last remarked on the organization (or it never did)."""
        if self.latest_activity is None:
            return False
        return self.last_remark_at is None or self.latest_activity.created_at > self.last_remark_at


def guided_orgs(user) -> list[GuidedOrg]:
    """The organizations the instructor guides, each with what is new to read and remark on. Two queries."""
    orgs = assigned_orgs(user)
    if not orgs:
        return []
    newest = ActivityRecord.objects.filter(org=OuterRef("pk")).order_by("-created_at", "-id").values("pk")[:1]
    mine = Remark.objects.filter(org=OuterRef("pk"), author=user).order_by("-created_at").values("created_at")[:1]
    rows = {
        pk: (activity_id, remarked_at)
        for pk, activity_id, remarked_at in Org.objects.filter(pk__in=[o.pk for o in orgs])
        .annotate(activity_id=Subquery(newest), remarked_at=Subquery(mine))
        .values_list("pk", "activity_id", "remarked_at")
    }
    records = activities_for(user).in_bulk([a for a, _r in rows.values() if a is not None])
    return [GuidedOrg(org, records.get(rows[org.pk][0]), rows[org.pk][1]) for org in orgs]


# --- 大学生村官 ------------------------------------------------------------------------------------


def college_officials(user) -> QuerySet[Member]:
    """大学生村官 in scope, in tree order off their partial index (a few thousand of the province's millions)."""
    return queries.members_in_tree_order(queries.members_for(user).filter(college_official=True).select_related("org"))
