"""Scoped reads for 群众评议 batches, 党性分析报告 and 对标定位, built only on orgs.queries.

Outside a user's scope every lookup answers 404 (Http404), never 403.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from orgs import queries
from orgs.enums import MemberCategory, Role
from orgs.models import Member, Org

from .models import Benchmark, CatchUpMeasure, CriteriaSet, Exemplar, MassBatch, PartyAnalysisReport

# 群众评议: org_department creates batches and enters tallies; the leading group reads results.
MASS_MANAGE_ROLES = frozenset({Role.ORG_DEPARTMENT})
MASS_READ_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT})
# 党性分析报告: the branch (secretary) reviews; org_department and the leading group read the coverage.
REPORT_REVIEW_ROLES = frozenset({Role.SECRETARY})
REPORT_READ_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECRETARY})
# 对标定位: org_department designates exemplars; a secretary benchmarks its organization.
EXEMPLAR_DESIGNATE_ROLES = frozenset({Role.ORG_DEPARTMENT})
BENCHMARK_ORG_ROLES = frozenset({Role.SECRETARY})
BENCHMARK_READ_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECTOR_SUPERVISOR, Role.SECRETARY})
STEPLEN = Org.steplen


def own_member(user) -> Member | None:
    """The member record of the logged-in user (User.member), or None."""
    if not getattr(user, "is_authenticated", False) or not user.member_id:
        return None
    return user.member


def ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(STEPLEN, len(path) + 1, STEPLEN)]


# ---- 群众评议 ------------------------------------------------------------------------------


def batches_for(user, *, roles=None) -> QuerySet[MassBatch]:
    return MassBatch.objects.filter(queries.org_scope_q(user, roles=roles, prefix="org__"))


def get_batch_or_404(user, pk) -> MassBatch:
    """A batch whose organization the user can see (any role); the role is checked by the view."""
    batch = batches_for(user).select_related("org", "period", "criteria_set", "created_by").filter(pk=pk).first()
    if batch is None:
        raise Http404("no such batch in scope")
    return batch


def criteria_sets_for(org: Org, *, target: str, period=None) -> QuerySet[CriteriaSet]:
    """Active sets for ``target`` that apply to ``org``: province-wide ones and those of an
    ancestor's subtree, for no period or for ``period``."""
    q = Q(owner_org__isnull=True) | Q(owner_org__path__in=ancestor_paths(org.path))
    period_q = Q(period__isnull=True) | Q(period=period) if period is not None else Q(period__isnull=True)
    return CriteriaSet.objects.filter(q, period_q, active=True, target=target).order_by("name", "id")


# ---- 党性分析报告 -----------------------------------------------------------------------------


def in_service_members_for(user, *, roles=REPORT_READ_ROLES) -> QuerySet[Member]:
    return queries.members_for(user, roles=roles).filter(category=MemberCategory.IN_SERVICE)


def reports_for(user) -> QuerySet[PartyAnalysisReport]:
    """Reports of members in the user's scope, and the user's own."""
    q = queries.member_scope_q(user, roles=REPORT_READ_ROLES)
    scope = Q(member__in=Member.objects.filter(q).values("pk"))
    member = own_member(user)
    if member is not None:
        scope |= Q(member=member)
    return PartyAnalysisReport.objects.filter(scope)


def get_report_or_404(user, pk) -> PartyAnalysisReport:
    try:
        return reports_for(user).select_related("member", "org", "campaign", "reviewed_by").get(pk=pk)
    except (PartyAnalysisReport.DoesNotExist, ValueError):
        raise Http404("no such report in scope") from None


# ---- 对标定位 -----------------------------------------------------------------------------------


def _home_paths(user) -> set[str]:
    """Paths of every node above (and at) the user's nodes: exemplars designated there concern the user."""
    paths = set()
    for a in queries.assignments(user):
        paths.update(ancestor_paths(a.org.path))
    member = own_member(user)
    if member is not None:
        paths.update(ancestor_paths(member.org_path))
    return paths


def exemplars_for(user) -> QuerySet[Exemplar]:
    """Exemplars designated by a committee above the user's nodes (province, city, county) and those
    designated inside the user's scope."""
    q = Q(designated_by_org__path__in=_home_paths(user)) | queries.org_scope_q(user, prefix="designated_by_org__")
    return Exemplar.objects.filter(q)


def get_exemplar_or_404(user, pk) -> Exemplar:
    try:
        return exemplars_for(user).select_related("org", "member", "member__org", "designated_by_org").get(pk=pk)
    except (Exemplar.DoesNotExist, ValueError):
        raise Http404("no such exemplar in scope") from None


def exemplars_available_to(org: Org) -> QuerySet[Exemplar]:
    """Active exemplars an organization (or a member of it) may benchmark against: those designated
    by its province, city or county committee."""
    return Exemplar.objects.filter(active=True, designated_by_org__path__in=ancestor_paths(org.path)).select_related(
        "org", "member", "designated_by_org"
    )


def benchmarks_for(user) -> QuerySet[Benchmark]:
    q = queries.org_scope_q(user, roles=BENCHMARK_READ_ROLES, prefix="org__")
    member = own_member(user)
    if member is not None:
        q |= Q(member=member)
    return Benchmark.objects.filter(q)


def get_benchmark_or_404(user, pk) -> Benchmark:
    try:
        return (
            benchmarks_for(user)
            .select_related("org", "member", "exemplar", "exemplar__org", "exemplar__member", "created_by")
            .get(pk=pk)
        )
    except (Benchmark.DoesNotExist, ValueError):
        raise Http404("no such benchmark in scope") from None


def measures_for(user) -> QuerySet[CatchUpMeasure]:
    return CatchUpMeasure.objects.filter(benchmark__in=benchmarks_for(user).values("pk"))


def get_measure_or_404(user, pk) -> CatchUpMeasure:
    try:
        return measures_for(user).select_related("benchmark", "benchmark__org", "benchmark__member").get(pk=pk)
    except (CatchUpMeasure.DoesNotExist, ValueError):
        raise Http404("no such measure in scope") from None
