"""Scoped reads for 群众评议 batches, 党性分析报告 and 对标定位, built only on orgs.queries.

Outside a user's scope every lookup answers 404 (Http404), never 403.
"""

from django.db.models import Q, QuerySet

from orgs import queries
from orgs.enums import MemberCategory, Role
from orgs.models import Member, Org

from ..enums import Target
from ..models import (
    Benchmark,
    CatchUpMeasure,
    CriteriaSet,
    Exemplar,
    MassBatch,
    PartyAnalysisParticipation,
    PartyAnalysisReport,
)

# 群众评议: org_department creates batches and enters tallies in its subtree; the secretary of a basic
# organization does the same for member batches of its own organization ("组织群众对党员进行评议");
# the leading group reads results.
MASS_MANAGE_ROLES = frozenset({Role.ORG_DEPARTMENT, Role.SECRETARY})
MASS_READ_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECRETARY})
# Roles that manage and read every batch (org and member) of their subtree.
MASS_FULL_MANAGE_ROLES = frozenset({Role.ORG_DEPARTMENT})
MASS_FULL_READ_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT})
MASS_BRANCH_ROLES = frozenset({Role.SECRETARY})
# 党性分析报告: the branch (secretary) reviews; org_department and the leading group read the coverage.
REPORT_REVIEW_ROLES = frozenset({Role.SECRETARY})
REPORT_READ_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECRETARY})
# 对标定位: org_department designates exemplars; a secretary benchmarks its organization.
EXEMPLAR_DESIGNATE_ROLES = frozenset({Role.ORG_DEPARTMENT})
BENCHMARK_ORG_ROLES = frozenset({Role.SECRETARY})
BENCHMARK_READ_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECTOR_SUPERVISOR, Role.SECRETARY})
STEPLEN = Org.steplen


def ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(STEPLEN, len(path) + 1, STEPLEN)]


# ---- 群众评议 ------------------------------------------------------------------------------


def batches_for(user, *, roles=None) -> QuerySet[MassBatch]:
    """Batches of organizations in the user's scope (of ``roles``; None: any role)."""
    return MassBatch.objects.filter(queries.org_scope_q(user, roles=roles, prefix="org__"))


def readable_batches_for(user) -> QuerySet[MassBatch]:
    """Batches the user may read: every batch under a leading group or org_department node, and the
    member batches of the organizations the user is secretary of (the masses' evaluation of the
    organization itself belongs to its superiors)."""
    q = queries.org_scope_q(user, roles=MASS_FULL_READ_ROLES, prefix="org__")
    q |= queries.org_scope_q(user, roles=MASS_BRANCH_ROLES, prefix="org__") & Q(target=Target.MEMBER)
    return MassBatch.objects.filter(q)


def can_read_batch(user, batch: MassBatch) -> bool:
    if queries.covers(user, batch.org, MASS_FULL_READ_ROLES):
        return True
    return batch.target == Target.MEMBER and queries.covers(user, batch.org, MASS_BRANCH_ROLES)


def can_create_batch(user, org: Org, target: str) -> bool:
    """org_department in its subtree (any target); a secretary: member batches of a basic organization
    it covers."""
    if queries.covers(user, org, MASS_FULL_MANAGE_ROLES):
        return True
    return target == Target.MEMBER and org.is_basic and queries.covers(user, org, MASS_BRANCH_ROLES)


def can_manage_batch(user, batch: MassBatch) -> bool:
    """Print the sheet, enter tallies, delete the sheet, close the batch."""
    return can_create_batch(user, batch.org, batch.target)


def get_batch_or_404(user, pk) -> MassBatch:
    """A batch whose organization the user can see (any role); the role is checked by the view."""
    return queries.row_or_404(
        batches_for(user).select_related("org", "period", "criteria_set", "created_by"), pk, "batch"
    )


def criteria_sets_for(org: Org, *, target: str, period=None) -> QuerySet[CriteriaSet]:
    """Active sets for ``target`` that apply to ``org``: province-wide ones and those of an
    ancestor's subtree, for no period or for ``period``."""
    q = Q(owner_org__isnull=True) | Q(owner_org__path__in=ancestor_paths(org.path))
    period_q = Q(period__isnull=True) | Q(period=period) if period is not None else Q(period__isnull=True)
    return CriteriaSet.objects.filter(q, period_q, active=True, target=target).order_by("name", "id")


# ---- 党性分析报告 -----------------------------------------------------------------------------


def in_service_members_for(user, *, roles=REPORT_READ_ROLES) -> QuerySet[Member]:
    return queries.members_for(user, roles=roles).filter(category=MemberCategory.IN_SERVICE)


def analysis_members_for(user, *, roles=REPORT_READ_ROLES) -> QuerySet[Member]:
    """Every member in scope: all take part in the 党性分析 (the report is required of 在职 members)."""
    return queries.members_for(user, roles=roles)


def participations_for(user) -> QuerySet[PartyAnalysisParticipation]:
    q = queries.member_scope_q(user, roles=REPORT_READ_ROLES)
    return PartyAnalysisParticipation.objects.filter(member__in=Member.objects.filter(q).values("pk"))


def reports_for(user) -> QuerySet[PartyAnalysisReport]:
    """Reports of members in the user's scope, and the user's own."""
    q = queries.member_scope_q(user, roles=REPORT_READ_ROLES)
    scope = Q(member__in=Member.objects.filter(q).values("pk"))
    member = queries.member_record(user)
    if member is not None:
        scope |= Q(member=member)
    return PartyAnalysisReport.objects.filter(scope)


def get_report_or_404(user, pk) -> PartyAnalysisReport:
    return queries.row_or_404(
        reports_for(user).select_related("member", "org", "campaign", "reviewed_by"), pk, "report"
    )


# ---- 对标定位 -----------------------------------------------------------------------------------


def _home_paths(user) -> set[str]:
    """Paths of every node above (and at) the user's nodes: exemplars designated there concern the user."""
    paths = set()
    for a in queries.assignments(user):
        paths.update(ancestor_paths(a.org.path))
    member = queries.member_record(user)
    if member is not None:
        paths.update(ancestor_paths(member.org_path))
    return paths


def exemplars_for(user) -> QuerySet[Exemplar]:
    """Exemplars designated by a committee above the user's nodes (province, city, county) and those
    designated inside the user's scope."""
    q = Q(designated_by_org__path__in=_home_paths(user)) | queries.org_scope_q(user, prefix="designated_by_org__")
    return Exemplar.objects.filter(q)


def get_exemplar_or_404(user, pk) -> Exemplar:
    return queries.row_or_404(
        exemplars_for(user).select_related("org", "member", "member__org", "designated_by_org"), pk, "exemplar"
    )


def exemplars_available_to(org: Org) -> QuerySet[Exemplar]:
    """Active exemplars an organization (or a member of it) may benchmark against: those designated
    by its province, city or county committee."""
    return Exemplar.objects.filter(active=True, designated_by_org__path__in=ancestor_paths(org.path)).select_related(
        "org", "member", "designated_by_org"
    )


def benchmarks_for(user) -> QuerySet[Benchmark]:
    q = queries.org_scope_q(user, roles=BENCHMARK_READ_ROLES, prefix="org__")
    member = queries.member_record(user)
    if member is not None:
        q |= Q(member=member)
    return Benchmark.objects.filter(q)


def get_benchmark_or_404(user, pk) -> Benchmark:
    rows = benchmarks_for(user).select_related(
        "org", "member", "exemplar", "exemplar__org", "exemplar__member", "created_by"
    )
    return queries.row_or_404(rows, pk, "benchmark")


def measures_for(user) -> QuerySet[CatchUpMeasure]:
    return CatchUpMeasure.objects.filter(benchmark__in=benchmarks_for(user).values("pk"))


def get_measure_or_404(user, pk) -> CatchUpMeasure:
    return queries.row_or_404(
        measures_for(user).select_related("benchmark", "benchmark__org", "benchmark__member"), pk, "measure"
    )
