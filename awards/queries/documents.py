"""Scoped reads for the decision, its files and the exemplars designated from the final list.

Rounds are looked up through ``queries.nominations`` (the one definition of "rounds a user sees":
under its owner or above it); everything else is built on ``orgs.queries``. Outside the scope a
lookup answers 404; the views answer 403 for a wrong role inside it.
"""

from django.db.models import Q, QuerySet

from orgs import queries
from orgs.enums import Role

from ..models import AwardRound, CommendedExemplar, Decision, Nomination
from ..queries.nominations import get_round_or_404, rounds_for

__all__ = ["get_round_or_404", "rounds_for"]

# The round owner's 组织部 writes the decision and generates the files.
DECISION_MANAGE_ROLES = frozenset({Role.ORG_DEPARTMENT})
# The decision is sent to every level under the owner (主送机关): 组织部 and the leading groups read it.
DECISION_READ_ROLES = frozenset({Role.ORG_DEPARTMENT, Role.LEADING_GROUP})
# 组织部 of a province, city or county designates exemplars (evaluations' rule).
EXEMPLAR_ROLES = frozenset({Role.ORG_DEPARTMENT})


def document_rounds(user) -> QuerySet[AwardRound]:
    """Rounds a reader of decisions sees, with the owner and the decision loaded (one query)."""
    return (
        rounds_for(user, roles=DECISION_READ_ROLES)
        .select_related("owner_org", "decision")
        .order_by("-nomination_opens", "-id")
    )


def can_manage_decision(user, award_round: AwardRound) -> bool:
    return queries.covers(user, award_round.owner_org, DECISION_MANAGE_ROLES)


def can_read_decision(user, award_round: AwardRound) -> bool:
    """A reading role under the round's owner or above it (the same reach as ``rounds_for``); no query."""
    owner_path = award_round.owner_org.path
    return any(
        a.role in DECISION_READ_ROLES and (owner_path.startswith(a.org.path) or a.org.path.startswith(owner_path))
        for a in queries.assignments(user)
    )


def decision_of(award_round: AwardRound) -> Decision | None:
    return Decision.objects.filter(award_round=award_round).first()


def nominee_scope_q(user, *, roles) -> Q:
    """Nominations whose nominee (the organization, or the member's organization) is in scope."""
    return Q(nominee_org__in=queries.orgs_for(user, roles=roles).values("pk")) | Q(
        nominee_member__in=queries.members_for(user, roles=roles).values("pk")
    )


def commended_for(user, award_round: AwardRound, *, roles=None) -> QuerySet[Nomination]:
    """Approved nominations of the round whose nominee lies in the user's scope, in list order."""
    roles = queries.ALL_ROLES if roles is None else roles
    return (
        Nomination.objects.filter(award_round=award_round, status=Nomination.Status.APPROVED)
        .filter(nominee_scope_q(user, roles=roles))
        .select_related("category", "city", "nominee_org", "nominee_member__org")
        .order_by("city__path", "category__order", "nominee_name", "id")
    )


def get_commended_or_404(user, award_round: AwardRound, pk) -> Nomination:
    return queries.row_or_404(commended_for(user, award_round), pk, "commended nominee")


def subject_path(nomination: Nomination) -> str:
    return nomination.nominee_org.path if nomination.nominee_org_id else nomination.nominee_member.org_path


def public_exemplars() -> QuerySet[CommendedExemplar]:
    """Active exemplars designated from a commendation: what the public page lists."""
    return (
        CommendedExemplar.objects.filter(exemplar__active=True)
        .select_related("exemplar__designated_by_org", "category", "award_round")
        .order_by("-award_round__decision_date", "city_name", "category__order", "name", "id")
    )
