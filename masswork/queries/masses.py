"""Scoped reads for serving the masses: 党员联系户, 干群恳谈会, 矛盾纠纷, 党建工作指导员 and 大学生村官.

Built only on ``orgs.queries``. Outside the scope: 404 (lookups search the whole visible scope); wrong role
inside it: 403 (the views). A household's telephone is shown in full only to the organization's secretary
and the 组织部 in scope ("masked like members' data").
"""

import datetime

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from common.subqueries import count_per_row
from orgs import queries
from orgs.enums import Role
from orgs.models import Member, Org

from ..models import Dispute, DisputeOutcome, Household, HouseholdLink, MassMeeting, ServiceRecord

# Who reads the organizations' records in their subtree (党建工作指导员: the organizations assigned).
READ_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECTOR_SUPERVISOR, Role.SECRETARY}) | (
    queries.GUIDE_ROLES
)
# Who registers households, meetings and disputes: the basic organization's secretary, or 组织部 in scope.
WRITE_ROLES = frozenset({Role.SECRETARY, Role.ORG_DEPARTMENT})
# Who sees a household's telephone in full.
FULL_DATA_ROLES = frozenset({Role.SECRETARY, Role.ORG_DEPARTMENT})
# "A secretary sees which households have had no contact for N days" (and the 组织部 above it).
NO_CONTACT_ROLES = FULL_DATA_ROLES
# Who records a service: the member for its own households, a secretary for any in its organization.
SERVICE_ROLES = frozenset({Role.SECRETARY})
DEFAULT_NO_CONTACT_DAYS = 30
# Who opens 联系服务群众 and the household pages: the readers, and a member (his own contact households).
HOUSEHOLD_ROLES = READ_ROLES | {Role.MEMBER}


# --- the member acting for itself ---------------------------------------------------------------


def _own_households_q(user) -> Q:
    member = queries.own_member(user)
    if member is None:
        return Q(pk__in=[])
    return Q(pk__in=HouseholdLink.objects.filter(member_id=member.pk).values("household_id"))


# --- households ---------------------------------------------------------------------------------


def households_for(user, *, roles=READ_ROLES, include_own=True) -> QuerySet[Household]:
    """Households of organizations in scope for ``roles``, plus (``include_own``) a member's own households."""
    q = queries.org_scope_q(user, roles=roles, prefix="org__")
    if include_own:
        q |= _own_households_q(user)
    return Household.objects.filter(q)


def _last_contact() -> Subquery:
    rows = ServiceRecord.objects.filter(household=OuterRef("pk")).order_by("-date").values("date")[:1]
    return Subquery(rows)


def _member_count():
    return count_per_row(HouseholdLink.objects.filter(household=OuterRef("pk")), "household")


def household_list(user) -> QuerySet[Household]:
    return (
        households_for(user)
        .select_related("org")
        .annotate(last_contact=_last_contact(), member_count=_member_count())
        .order_by("org__path", "village", "head_name", "id")
    )


def get_household_or_404(user, pk) -> Household:
    """A household anywhere the user can see it; the view then checks the role (403)."""
    roles = queries.ALL_ROLES - {Role.MEMBER}
    scope = queries.org_scope_q(user, roles=roles, prefix="org__") | _own_households_q(user)
    return queries.row_or_404(Household.objects.filter(scope).select_related("org"), pk, "household")


def is_own_household(user, household: Household) -> bool:
    member = queries.own_member(user)
    return member is not None and household.links.filter(member_id=member.pk).exists()


def can_read_household(user, household: Household) -> bool:
    return queries.covers(user, household.org, READ_ROLES) or is_own_household(user, household)


def can_see_full_household(user, household: Household) -> bool:
    """The telephone in full: the organization's secretary and the 组织部 in scope only."""
    return queries.covers(user, household.org, FULL_DATA_ROLES)


def full_data_q(user, prefix="org__") -> Q:
    return queries.org_scope_q(user, roles=FULL_DATA_ROLES, prefix=prefix)


def can_write_household(user, org: Org) -> bool:
    return org.is_basic and queries.covers(user, org, WRITE_ROLES)


def can_record_service(user, household: Household) -> bool:
    """A member for its own households; a secretary for any household of its organization."""
    return queries.covers(user, household.org, SERVICE_ROLES) or is_own_household(user, household)


def linkable_members(household: Household) -> QuerySet[Member]:
    """Members who may be linked to a household: those of its own basic organization."""
    return Member.objects.filter(org_id=household.org_id).order_by("name", "id")


def no_contact(user, *, days: int = DEFAULT_NO_CONTACT_DAYS, today: datetime.date | None = None):
    """Active households in scope with no service record in the last ``days`` days (or none ever).

    One aggregate query (GROUP BY household, HAVING MAX(date) < cutoff OR IS NULL); never contacted first.
    """
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=days)
    return (
        households_for(user, roles=NO_CONTACT_ROLES, include_own=False)
        .filter(active=True)
        .select_related("org")
        .annotate(last_contact=Max("services__date"))
        .filter(Q(last_contact__lt=cutoff) | Q(last_contact__isnull=True))
        .order_by(F("last_contact").asc(nulls_first=True), "org__path", "id")
    )


# --- meetings and disputes ------------------------------------------------------------------------


def meetings_for(user, *, roles=READ_ROLES) -> QuerySet[MassMeeting]:
    return MassMeeting.objects.filter(queries.org_scope_q(user, roles=roles, prefix="org__"))


def get_meeting_or_404(user, pk) -> MassMeeting:
    return queries.row_or_404(
        meetings_for(user, roles=queries.ALL_ROLES).select_related("org", "recorded_by"), pk, "meeting"
    )


def can_write_org(user, org: Org) -> bool:
    """Meetings and disputes: the secretary of the organization, or the 组织部 covering it."""
    return queries.covers(user, org, WRITE_ROLES)


def disputes_for(user, *, roles=READ_ROLES) -> QuerySet[Dispute]:
    return Dispute.objects.filter(queries.org_scope_q(user, roles=roles, prefix="org__"))


def get_dispute_or_404(user, pk) -> Dispute:
    return queries.row_or_404(
        disputes_for(user, roles=queries.ALL_ROLES).select_related("org", "recorded_by"), pk, "dispute"
    )


def outcome_counts() -> dict:
    """Disputes counted by outcome (resolved, escalated, unresolved, pending): the annotations of the dispute
    figures here and of the dashboards' per-organization source."""
    return {
        outcome: Count("pk", filter=Q(outcome=value))
        for outcome, value in (
            ("resolved", DisputeOutcome.RESOLVED),
            ("escalated", DisputeOutcome.ESCALATED),
            ("unresolved", DisputeOutcome.UNRESOLVED),
            ("pending", DisputeOutcome.PENDING),
        )
    }


def dispute_counts(user, node: Org, *, year: int | None = None) -> list[dict]:
    """Disputes under ``node`` per organization one level below it (its own disputes: the node itself) and month.

    One GROUP BY over the path prefix of the child level and the month, then one query for the names.
    Each row: org, month, found, resolved, escalated, unresolved, pending.
    """
    width = len(node.path) + Org.steplen
    rows = disputes_for(user).filter(org__path__startswith=node.path)
    if year:
        rows = rows.filter(found_on__year=year)
    grouped = list(
        rows.annotate(branch=Substr("org__path", 1, width), month=TruncMonth("found_on"))
        .values("branch", "month")
        .annotate(found=Count("pk"), **outcome_counts())
        .order_by("branch", "month")
    )
    names = {o.path: o for o in Org.objects.filter(path__in={r["branch"] for r in grouped})}
    for row in grouped:
        row["org"] = names.get(row["branch"])
        if isinstance(row["month"], datetime.datetime):
            row["month"] = row["month"].date()
    return grouped


def dispute_years(user, node: Org) -> list[int]:
    return sorted(
        {
            d.year
            for d in disputes_for(user).filter(org__path__startswith=node.path).dates("found_on", "year").order_by()
        },
        reverse=True,
    )
