"""Scoped reads of basic organizations' own commendations, built only on ``orgs.queries``.

A commendation is visible to the roles that read the members of its organization (the same people
who see the honour on the member's record). Outside the scope: 404; wrong role inside it: 403 (views).
"""

from django.db.models import Count, Q, QuerySet

from orgs import queries
from orgs.enums import OrgLevel, Role
from orgs.models import Member, Org

from ..models import BasicAward, BasicCommendation, Nomination

READ_ROLES = queries.READ_MEMBER_ROLES
# The basic organization's secretary writes, adds its members and announces.
WRITE_ROLES = frozenset({Role.SECRETARY})
# The 组织部 above reads and may annul (with a reason, kept).
ANNUL_ROLES = frozenset({Role.ORG_DEPARTMENT})

Status = BasicCommendation.Status


def _scope_q(user, roles, prefix="") -> Q:
    """Over commendations (``prefix`` names the relation to BasicCommendation, e.g. ``"commendation__"``)."""
    q = Q(pk__in=[])
    for a in queries.assignments(user):
        if a.role not in roles:
            continue
        part = Q(**{f"{prefix}org_path__startswith": a.org.path})
        if a.sector:
            part &= Q(**{f"{prefix}org__sector": a.sector})
        q |= part
    return q


def commendations_for(user, *, roles=READ_ROLES) -> QuerySet[BasicCommendation]:
    return BasicCommendation.objects.filter(_scope_q(user, roles))


def commendation_list(user, *, status: str = "") -> QuerySet[BasicCommendation]:
    """The list page: one query for the rows, with the organization and the number of current awards."""
    qs = commendations_for(user)
    if status:
        qs = qs.filter(status=status)
    return (
        qs.select_related("org")
        .annotate(award_count=Count("awards", filter=Q(awards__annulled_at__isnull=True)))
        .order_by("-date", "-id")
    )


def get_commendation_or_404(user, pk) -> BasicCommendation:
    """A commendation the user sees with any role (the view checks the role: 403)."""
    rows = commendations_for(user, roles=queries.ALL_ROLES).select_related(
        "org", "campaign", "announced_by", "annulled_by", "created_by"
    )
    return queries.row_or_404(rows, pk, "commendation")


def get_award_or_404(user, pk) -> BasicAward:
    rows = BasicAward.objects.filter(_scope_q(user, queries.ALL_ROLES, prefix="commendation__")).select_related(
        "commendation__org", "member"
    )
    return queries.row_or_404(rows, pk, "award")


def awards_of(commendation: BasicCommendation) -> QuerySet[BasicAward]:
    return commendation.awards.select_related("annulled_by").order_by("id")


def writable_orgs(user) -> QuerySet[Org]:
    """Basic organizations for which the user (a secretary) may run a commendation."""
    return queries.orgs_for(user, roles=WRITE_ROLES).filter(level=OrgLevel.BASIC).order_by("path")


def own_members(org: Org) -> QuerySet[Member]:
    """The organization's own members: the only ones it may commend."""
    return Member.objects.filter(org=org).order_by("name", "id")


# ----- honours on the record, and cited in higher nominations -----


def current_honours() -> QuerySet[BasicAward]:
    """Awards that stand: their round announced, neither it nor the award annulled."""
    return BasicAward.objects.filter(commendation__status=Status.ANNOUNCED, annulled_at__isnull=True)


def member_honours(member: Member) -> QuerySet[BasicAward]:
    """The member's standing honours, newest first (one query)."""
    return (
        current_honours()
        .filter(member=member)
        .select_related("commendation__org")
        .order_by("-commendation__date", "-id")
    )


def citable_honours(nominating_org: Org) -> QuerySet[BasicAward]:
    """Standing honours of the members a basic organization may nominate (its subtree)."""
    return (
        current_honours()
        .filter(member__org_path__startswith=nominating_org.path)
        .select_related("commendation__org")
        .order_by("member_name", "-commendation__date", "-id")
    )


def cited_honours(nomination: Nomination) -> QuerySet[BasicAward]:
    """Honours a nomination cites (also those annulled since: the page marks them)."""
    return nomination.cited_honours.select_related("commendation__org").order_by("-commendation__date", "-id")


def public_commendation(pk) -> BasicCommendation:
    """A commendation whose organization chose a 公示 and opened it (not annulled); 404 otherwise (no login)."""
    rows = (
        BasicCommendation.objects.filter(publicity=True, publicity_starts__isnull=False)
        .exclude(status__in=[Status.DRAFT, Status.ANNULLED])
        .select_related("org")
    )
    return queries.row_or_404(rows, pk, "public notice")


def public_awards(commendation: BasicCommendation):
    """What the public page lists: name, post and honour — nothing personal."""
    return (
        commendation.awards.filter(annulled_at__isnull=True)
        .only("member_name", "post", "honour", "commendation_id")
        .order_by("id")
    )
