"""Scoped reads of the 群众工作站 register, built only on ``orgs.queries``.

Outside the scope: 404 (lookups search the whole visible scope); wrong role inside it: 403 (the views). The
organization's secretary manages its stations and records their visits; the levels above read their subtree.
A visitor's telephone is shown in full only to the station's secretary and the 组织部 in scope.
"""

from django.db.models import Count, OuterRef, Q, QuerySet

from common.subqueries import count_per_row
from orgs import queries
from orgs.enums import Role
from orgs.models import Member, Org

from ..models import Station, Visit, VisitStatus

# Who reads the stations and visits of their subtree (党建工作指导员: the organizations assigned).
READ_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECTOR_SUPERVISOR, Role.SECRETARY}) | (
    queries.GUIDE_ROLES
)
# "Secretaries manage their own organization's stations": registering stations and recording visits.
WRITE_ROLES = frozenset({Role.SECRETARY})
# Who sees a visitor's (or a station's) telephone in full.
FULL_DATA_ROLES = frozenset({Role.SECRETARY, Role.ORG_DEPARTMENT})


# --- stations -------------------------------------------------------------------------------------


def stations_for(user, *, roles=READ_ROLES) -> QuerySet[Station]:
    return Station.objects.filter(queries.org_scope_q(user, roles=roles, prefix="org__"))


def _visit_count(**filters):
    return count_per_row(Visit.objects.filter(station=OuterRef("pk"), **filters), "station")


def station_list(user) -> QuerySet[Station]:
    """Stations in scope with their number of visits and of visits still open: one query per page."""
    return (
        stations_for(user)
        .select_related("org")
        .annotate(visit_count=_visit_count(), open_count=_visit_count(status=VisitStatus.OPEN))
        .order_by("org__path", "name", "id")
    )


def get_station_or_404(user, pk) -> Station:
    """A station anywhere the user can see its organization; the view then checks the role (403)."""
    return queries.row_or_404(stations_for(user, roles=queries.ALL_ROLES).select_related("org"), pk, "station")


def can_read(user, org: Org) -> bool:
    return queries.covers(user, org, READ_ROLES)


def can_write(user, org: Org) -> bool:
    """Register or change a station of ``org`` and record its visits: the organization's secretary."""
    return queries.covers(user, org, WRITE_ROLES)


def can_see_full_phone(user, org: Org) -> bool:
    return queries.covers(user, org, FULL_DATA_ROLES)


def duty_members(station: Station) -> QuerySet[Member]:
    return station.duty_members.order_by("name", "id")


def org_members(org: Org) -> QuerySet[Member]:
    """Members who may be on duty at, or handle a visit of, a station of ``org``: its own members."""
    return Member.objects.filter(org_id=org.pk).order_by("name", "id")


# --- visits ---------------------------------------------------------------------------------------


def visits_for(user, *, roles=READ_ROLES) -> QuerySet[Visit]:
    return Visit.objects.filter(queries.org_scope_q(user, roles=roles, prefix="station__org__"))


def visit_list(user) -> QuerySet[Visit]:
    return visits_for(user).select_related("station__org", "handled_by").order_by("-visited_on", "-id")


def get_visit_or_404(user, pk) -> Visit:
    visits = visits_for(user, roles=queries.ALL_ROLES).select_related("station__org", "handled_by", "recorded_by")
    return queries.row_or_404(visits, pk, "visit")


def visit_counts(visits: QuerySet[Visit]) -> dict:
    """{"total", "open", "closed"} of a (filtered) list of visits: one query."""
    counts = visits.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=VisitStatus.OPEN)),
        closed=Count("pk", filter=Q(status=VisitStatus.CLOSED)),
    )
    return counts


def show_phones(user, visits) -> None:
    """Each visit gets ``shown_phone``: in full for the secretary and 组织部 in scope, else masked (no query)."""
    for visit in visits:
        org = visit.station.org
        visit.shown_phone = visit.visitor_phone if can_see_full_phone(user, org) else visit.masked_phone
