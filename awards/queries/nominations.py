"""Scoped reads for rounds, quotas, nominations and objections, built only on ``orgs.queries``.

A round is visible to users whose nodes lie under its owner (they nominate and review for it) and to
those above the owner (they oversee it). A nomination is visible to the roles covering the
organization that made it (every level it passes is an ancestor of that organization).
Outside the scope: 404; wrong role inside it: 403 (the views).
"""

from django.db.models import Count, Q, QuerySet

from orgs import queries
from orgs.enums import OrgLevel, Role
from orgs.models import Member, Org

from ..models import AwardRound, Nomination, Objection

READ_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECRETARY})
MANAGE_ROLES = frozenset({Role.ORG_DEPARTMENT})
NOMINATE_ROLES = frozenset({Role.SECRETARY, Role.ORG_DEPARTMENT})


def _assignments(user, roles):
    return [a for a in queries.assignments(user) if a.role in roles]


def rounds_q(user, *, roles=READ_ROLES) -> Q:
    q = Q(pk__in=[])
    for a in _assignments(user, roles):
        q |= Q(owner_org__path__startswith=a.org.path) | Q(owner_org__path__in=a.org.ancestor_paths())
    return q


def rounds_for(user, *, roles=READ_ROLES) -> QuerySet[AwardRound]:
    return AwardRound.objects.filter(rounds_q(user, roles=roles))


def round_list(user) -> QuerySet[AwardRound]:
    return rounds_for(user).select_related("owner_org", "campaign").order_by("-nomination_opens", "-id")


def get_round_or_404(user, code: str) -> AwardRound:
    """A round the user may see with any role: 404 otherwise (the view checks the role)."""
    rows = rounds_for(user, roles=queries.ALL_ROLES).select_related("owner_org", "campaign").filter(code=code)
    return queries.first_or_404(rows, "award round")


def round_orgs_for(user, award_round: AwardRound, *, roles=READ_ROLES) -> QuerySet[Org]:
    """Organizations of the round's subtree the user may see."""
    return queries.orgs_for(user, roles=roles).filter(path__startswith=award_round.owner_org.path)


def get_round_org_or_404(user, award_round: AwardRound, code: str) -> Org:
    return queries.first_or_404(round_orgs_for(user, award_round, roles=queries.ALL_ROLES).filter(code=code), "org")


def levels_for(user, award_round: AwardRound, *, roles=MANAGE_ROLES) -> QuerySet[Org]:
    """The non-basic nodes (levels) of the round the user manages: where it allocates and reviews."""
    return round_orgs_for(user, award_round, roles=roles).exclude(level=OrgLevel.BASIC).order_by("path")


def home_level(user, award_round: AwardRound) -> Org | None:
    """The user's highest node inside the round (the owner for the owner's staff)."""
    owner = award_round.owner_org
    for top in queries.top_orgs(user, READ_ROLES):
        if top.path.startswith(owner.path):
            return top
        if owner.path.startswith(top.path):
            return owner
    return None


# ----- nominations -----


def nominations_q(user, *, roles=READ_ROLES) -> Q:
    q = Q(pk__in=[])
    for a in _assignments(user, roles):
        q |= Q(origin_path__startswith=a.org.path)
    return q


def nominations_for(user, *, roles=READ_ROLES) -> QuerySet[Nomination]:
    return Nomination.objects.filter(nominations_q(user, roles=roles))


LIST_RELATED = ("category", "current_org", "nominating_org", "city")


def nomination_list(user, award_round: AwardRound) -> QuerySet[Nomination]:
    return (
        nominations_for(user)
        .filter(award_round=award_round)
        .select_related(*LIST_RELATED)
        .order_by("category__order", "-created_at", "-id")
    )


def get_nomination_or_404(user, pk) -> Nomination:
    rows = nominations_for(user, roles=queries.ALL_ROLES).select_related(
        "award_round__owner_org",
        "category",
        "current_org",
        "nominating_org",
        "city",
        "nominee_org",
        "nominee_member__org",
        "created_by",
    )
    return queries.row_or_404(rows, pk, "nomination")


def held(**filters) -> QuerySet[Nomination]:
    """Pending nominations, each held by the level in ``current_org`` (it forwards or rejects them)."""
    return Nomination.objects.filter(status=Nomination.Status.PENDING, **filters)


def held_at(award_round: AwardRound, org: Org) -> QuerySet[Nomination]:
    """Pending nominations the level ``org`` holds (the view has checked that the user covers it)."""
    return (
        held(award_round=award_round, current_org=org)
        .select_related(*LIST_RELATED)
        .order_by("category__order", "nominee_name", "id")
    )


def held_counts(user, day) -> list[dict]:
    """Per round whose review is open on ``day`` and per level (a non-basic node) the user's 组织部 role covers:
    how many pending nominations that level holds — what waits on ``awards:review``. One query."""
    rows = (
        held(award_round__nomination_opens__lte=day, award_round__review_closes__gte=day)
        .filter(queries.org_scope_q(user, roles=MANAGE_ROLES, prefix="current_org__"))
        .exclude(current_org__level=OrgLevel.BASIC)
        .order_by()
        .values("award_round__code", "award_round__name", "current_org__code", "current_org__name", "current_org__path")
        .annotate(n=Count("pk"))
    )
    return sorted(rows, key=lambda r: (r["award_round__code"], r["current_org__path"]))


def owner_list(award_round: AwardRound) -> QuerySet[Nomination]:
    """The owner's list: nominations that reached it (拟表彰 and after), with their objections counted."""
    statuses = [
        Nomination.Status.SHORTLISTED,
        Nomination.Status.PUBLICITY,
        Nomination.Status.REMOVED,
        Nomination.Status.APPROVED,
    ]
    return (
        Nomination.objects.filter(award_round=award_round, status__in=statuses)
        .select_related(*LIST_RELATED)
        .annotate(
            objection_count=Count("objections"),
            objections_pending=Count("objections", filter=Q(objections__status=Objection.Status.PENDING)),
        )
        .order_by("city__path", "category__order", "nominee_name", "id")
    )


def objections_for_round(award_round: AwardRound) -> QuerySet[Objection]:
    return (
        Objection.objects.filter(nomination__award_round=award_round)
        .select_related("nomination__category", "handled_by")
        .order_by("status", "-created_at", "-id")
    )


def pending_objection_counts(user) -> list[dict]:
    """Per round whose owner the user's 组织部 role covers (it handles the 公示's objections on ``awards:shortlist``):
    how many objections wait to be handled. One query."""
    return list(
        Objection.objects.filter(status=Objection.Status.PENDING)
        .filter(queries.org_scope_q(user, roles=MANAGE_ROLES, prefix="nomination__award_round__owner_org__"))
        .order_by()
        .values(
            "nomination__award_round__code",
            "nomination__award_round__name",
            "nomination__award_round__owner_org__path",
        )
        .annotate(n=Count("pk"))
        .order_by("nomination__award_round__code")
    )


def get_objection_or_404(user, pk) -> Objection:
    rows = Objection.objects.filter(nomination__in=nominations_for(user, roles=queries.ALL_ROLES)).select_related(
        "nomination__award_round__owner_org"
    )
    return queries.row_or_404(rows, pk, "objection")


# ----- nominees (for the nomination form) -----


def nominee_orgs(nominating_org: Org) -> QuerySet[Org]:
    """The organization itself and the basic organizations below it."""
    return Org.objects.filter(path__startswith=nominating_org.path, level=OrgLevel.BASIC, active=True).order_by("path")


def nominee_counties(nominating_org: Org) -> QuerySet[Org]:
    return Org.objects.filter(path__startswith=nominating_org.path, level=OrgLevel.COUNTY, active=True).order_by("path")


def nominee_members(nominating_org: Org) -> QuerySet[Member]:
    return Member.objects.filter(org_path__startswith=nominating_org.path).select_related("org")


def nominating_orgs_for(user, award_round: AwardRound) -> QuerySet[Org]:
    """Basic organizations in the round for which the user may nominate (secretary or 组织部)."""
    return round_orgs_for(user, award_round, roles=NOMINATE_ROLES).filter(level=OrgLevel.BASIC).order_by("path")


# ----- the nominee's record (evaluations, read defensively) -----


def nominee_record(nomination: Nomination) -> dict:
    """The nominee's submitted assessments and, for an organization, its tiers (先进/中间/后进).

    The evaluations app is queried defensively: when a model is missing, that part stays empty.
    """
    record = {"assessments": [], "tiers": [], "tiers_available": False}
    try:
        from evaluations.models import Assessment
    except ImportError:  # pragma: no cover - evaluations not installed
        return record
    assessments = Assessment.objects.filter(status="submitted").select_related("period")
    if nomination.nominee_member_id:
        assessments = assessments.filter(target="member", member_id=nomination.nominee_member_id)
    else:
        assessments = assessments.filter(target="org", org_id=nomination.nominee_org_id, member__isnull=True)
    record["assessments"] = list(assessments.order_by("-period__start_date", "source")[:20])
    try:
        from evaluations.models import Tier
    except ImportError:  # pragma: no cover - tiers not built yet
        return record
    record["tiers_available"] = True
    tier_org = nomination.nominee_org_id or (nomination.nominee_member.org_id if nomination.nominee_member else None)
    record["tier_is_member_org"] = bool(nomination.nominee_member_id)
    tiers = Tier.objects.filter(org_id=tier_org).select_related("period").order_by("-period__start_date")
    record["tiers"] = list(tiers[:5])
    return record
