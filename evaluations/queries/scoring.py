"""Scoped reads of the scoring area (criteria sets, assessments, tiers) and the 晋档升级 figures,
built only on orgs.queries. Every figure is one aggregate query (GROUP BY), never a loop over
organizations, so that it equals a direct count over the data at province scale too.

"实施晋档升级……使处于先进的当好标杆、中间状态的规范提高、相对后进的改变面貌，各个领域“五个好”
党组织、各条战线“五个模范”党员的比例都有较大幅度提高。" (seed, part 四 (三) 3)
"""

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr

from common.numbers import percent
from orgs import queries
from orgs.enums import OrgLevel, Role
from orgs.models import Member, Org

from ..enums import AssessmentStatus, Source, Target, TierLevel
from ..models import Assessment, CriteriaSet, Tier, TierTarget

READ_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECTOR_SUPERVISOR, Role.SECRETARY})
STATS_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECTOR_SUPERVISOR})
MANAGE_ROLES = queries.MANAGE_ROLES
TIER_ORDER = [TierLevel.ADVANCED, TierLevel.MIDDLE, TierLevel.BACKWARD]
RANK = {TierLevel.ADVANCED: 3, TierLevel.MIDDLE: 2, TierLevel.BACKWARD: 1}


def effective(prefix: str = ""):
    """The effective tier as SQL: the override when there is one, else the computed tier."""
    return Coalesce(f"{prefix}override", f"{prefix}computed", output_field=CharField())


# --- criteria sets ----------------------------------------------------------------------------------


def criteria_sets_for(user) -> QuerySet[CriteriaSet]:
    """Province sets, sets owned inside the user's scope and sets of the nodes above it (they
    apply to the user's organizations)."""
    above = {path for a in queries.assignments(user) for path in a.org.ancestor_paths()}
    return CriteriaSet.objects.filter(
        Q(owner_org=None) | queries.org_scope_q(user, prefix="owner_org__") | Q(owner_org__path__in=above)
    ).select_related("owner_org", "period")


# --- assessments ------------------------------------------------------------------------------------


def assessments_for(user) -> QuerySet[Assessment]:
    """Assessments of organizations and members in the reading scope, plus the user's own
    (authored) and the submitted assessments of the user as a member."""
    q = queries.org_scope_q(user, roles=READ_ROLES, prefix="org__") | Q(author_id=user.pk)
    if user.member_id:
        q |= Q(member_id=user.member_id, status=AssessmentStatus.SUBMITTED)
    return Assessment.objects.filter(q)


def superior_todo(user, period) -> QuerySet[Org]:
    """Basic-level organizations below the user's org_department nodes, each annotated with the
    status and id of its superior assessment in ``period`` (one query per page)."""
    own_nodes = [a.org.pk for a in queries.assignments(user) if a.role == Role.ORG_DEPARTMENT]
    existing = Assessment.objects.filter(period=period, source=Source.SUPERIOR, target=Target.ORG, org=OuterRef("pk"))
    return (
        queries.orgs_for(user, roles=MANAGE_ROLES)
        .filter(level=OrgLevel.BASIC)
        .exclude(pk__in=own_nodes)
        .annotate(
            assessment_status=Subquery(existing.values("status")[:1]),
            assessment_id=Subquery(existing.values("pk")[:1]),
        )
        .order_by("path")
    )


def secretary_orgs(user, period) -> QuerySet[Org]:
    """The organizations the user is secretary of, with their self-assessment status."""
    nodes = [a.org.pk for a in queries.assignments(user) if a.role == Role.SECRETARY]
    existing = Assessment.objects.filter(period=period, source=Source.SELF, target=Target.ORG, org=OuterRef("pk"))
    return (
        Org.objects.filter(pk__in=nodes, active=True)
        .annotate(
            assessment_status=Subquery(existing.values("status")[:1]),
            assessment_id=Subquery(existing.values("pk")[:1]),
        )
        .order_by("path")
    )


def members_to_review(user, period) -> QuerySet[Member]:
    """党员评议 to do: fellow members of the user's organization (the user's own review status), or
    for a secretary the members of its organizations (the status of the review it records)."""
    secretary_nodes = [a.org.pk for a in queries.assignments(user) if a.role == Role.SECRETARY]
    q = Q(org_id__in=secretary_nodes)
    if user.member_id:
        q |= Q(org_id=user.member.org_id)
    mine = Assessment.objects.filter(
        period=period, source=Source.PEER, target=Target.MEMBER, member=OuterRef("pk"), author_id=user.pk
    )
    qs = Member.objects.filter(q)
    if user.member_id:
        qs = qs.exclude(pk=user.member_id)
    return (
        qs.select_related("org")
        .annotate(assessment_status=Subquery(mine.values("status")[:1]), assessment_id=Subquery(mine.values("pk")[:1]))
        .order_by("org_path", "id")
    )


# --- tiers ------------------------------------------------------------------------------------------


def tiers_for(user, roles=READ_ROLES) -> QuerySet[Tier]:
    return Tier.objects.filter(queries.org_scope_q(user, roles=roles, prefix="org__"), org__active=True).annotate(
        eff=effective()
    )


def scope_tiers(user, node: Org, *, sector: str = "", roles=STATS_ROLES) -> QuerySet[Tier]:
    """The user's visible tiers under ``node`` (and in ``sector``)."""
    qs = tiers_for(user, roles).filter(org__path__startswith=node.path)
    if sector:
        qs = qs.filter(org__sector=sector)
    return qs


def _share_row(counts: dict, total: int) -> dict:
    return {
        "total": total,
        "cells": [{"tier": t, "n": counts.get(t, 0), "percent": percent(counts.get(t, 0), total)} for t in TIER_ORDER],
        "unrated": counts.get(None, 0),
    }


def tier_shares(tiers: QuerySet[Tier]) -> dict[int, dict]:
    """period id → counts and shares of each effective tier: one GROUP BY (period, tier)."""
    out: dict[int, dict] = {}
    rows = tiers.order_by().values("period_id", "eff").annotate(n=Count("id")).values_list("period_id", "eff", "n")
    per_period: dict[int, dict] = {}
    for period_id, eff, n in rows:
        per_period.setdefault(period_id, {})[eff] = n
    for period_id, counts in per_period.items():
        out[period_id] = _share_row(counts, sum(n for tier, n in counts.items() if tier))
    return out


def breakdown_by_sector(tiers: QuerySet[Tier]) -> list[dict]:
    """Per sector: counts and shares of each tier (one GROUP BY)."""
    from orgs.enums import Sector

    rows = tiers.order_by().values("org__sector", "eff").annotate(n=Count("id")).values_list("org__sector", "eff", "n")
    per: dict[str, dict] = {}
    for sector, eff, n in rows:
        per.setdefault(sector, {})[eff] = n
    labels = dict(Sector.choices)
    return [
        {"key": sector, "label": labels.get(sector, "—"), **_share_row(counts, sum(v for t, v in counts.items() if t))}
        for sector, counts in sorted(per.items())
    ]


def breakdown_by_child(tiers: QuerySet[Tier], node: Org) -> list[dict]:
    """Per child node of ``node``: counts and shares of each tier (one GROUP BY on the path
    prefix, one query for the children's names)."""
    width = len(node.path) + Org.steplen
    rows = (
        tiers.order_by()
        .annotate(child=Substr("org__path", 1, width))
        .values("child", "eff")
        .annotate(n=Count("id"))
        .values_list("child", "eff", "n")
    )
    per: dict[str, dict] = {}
    for child, eff, n in rows:
        if len(child) == width:
            per.setdefault(child, {})[eff] = n
    children = {o.path: o for o in Org.objects.filter(path__in=list(per)).only("pk", "path", "code", "name")}
    return [
        {"org": children.get(path), **_share_row(counts, sum(v for t, v in counts.items() if t))}
        for path, counts in sorted(per.items())
        if path in children
    ]


def _with_other(tiers: QuerySet[Tier], other_period, name: str) -> QuerySet[Tier]:
    other = Tier.objects.filter(period=other_period, org_id=OuterRef("org_id")).annotate(e=effective())
    return tiers.annotate(**{name: Subquery(other.values("e")[:1], output_field=CharField())})


def movement_matrix(tiers: QuerySet[Tier], from_period, to_period) -> dict[tuple, int]:
    """(tier in ``from_period``, tier in ``to_period`` or None) → number of organizations, over the
    organizations rated in ``from_period``: one GROUP BY with a correlated subquery."""
    base = _with_other(tiers.filter(period=from_period), to_period, "next_tier")
    rows = base.order_by().values("eff", "next_tier").annotate(n=Count("id")).values_list("eff", "next_tier", "n")
    matrix: dict[tuple, int] = {}
    for eff, nxt, n in rows:
        if eff:
            matrix[(eff, nxt)] = matrix.get((eff, nxt), 0) + n
    return matrix


def movement_rows(matrix: dict[tuple, int]) -> list[dict]:
    """The matrix as table rows: from-tier, count per to-tier (and unrated), moved up / down."""
    out = []
    for src in TIER_ORDER:
        cells = [matrix.get((src, dst), 0) for dst in TIER_ORDER]
        total = sum(cells) + matrix.get((src, None), 0)
        up = sum(matrix.get((src, dst), 0) for dst in TIER_ORDER if RANK[dst] > RANK[src])
        down = sum(matrix.get((src, dst), 0) for dst in TIER_ORDER if RANK[dst] < RANK[src])
        out.append(
            {"tier": src, "cells": cells, "unrated": matrix.get((src, None), 0), "total": total, "up": up, "down": down}
        )
    return out


UP = Q(prev_tier=TierLevel.MIDDLE, eff=TierLevel.ADVANCED) | Q(
    prev_tier=TierLevel.BACKWARD, eff__in=[TierLevel.MIDDLE, TierLevel.ADVANCED]
)
DOWN = Q(prev_tier=TierLevel.ADVANCED, eff__in=[TierLevel.MIDDLE, TierLevel.BACKWARD]) | Q(
    prev_tier=TierLevel.MIDDLE, eff=TierLevel.BACKWARD
)


def movement_list(tiers: QuerySet[Tier], from_period, to_period, direction: str = "up") -> QuerySet[Tier]:
    """Who moved up (or down) between the periods: tiers of ``to_period`` with the previous tier."""
    qs = _with_other(tiers.filter(period=to_period), from_period, "prev_tier")
    return qs.filter(UP if direction == "up" else DOWN).select_related("org").order_by("org__path")


def actual_progress(matrix: dict[tuple, int]) -> dict[str, dict]:
    """Actual figures of the target kinds from a movement matrix:
    middle_up = 中间 → 先进 / all 中间; backward_change = 后进 → 中间 or 先进 / all 后进;
    advanced_keep = 先进 → 先进 / all 先进 (an organization unrated in the later period counts
    in the denominator and not in the numerator)."""

    def total(src):
        return sum(n for (s, _d), n in matrix.items() if s == src)

    figures = {
        TierTarget.Kind.MIDDLE_UP: (matrix.get((TierLevel.MIDDLE, TierLevel.ADVANCED), 0), total(TierLevel.MIDDLE)),
        TierTarget.Kind.BACKWARD_CHANGE: (
            matrix.get((TierLevel.BACKWARD, TierLevel.MIDDLE), 0)
            + matrix.get((TierLevel.BACKWARD, TierLevel.ADVANCED), 0),
            total(TierLevel.BACKWARD),
        ),
        TierTarget.Kind.ADVANCED_KEEP: (
            matrix.get((TierLevel.ADVANCED, TierLevel.ADVANCED), 0),
            total(TierLevel.ADVANCED),
        ),
    }
    return {kind: {"n": n, "of": of, "percent": percent(n, of)} for kind, (n, of) in figures.items()}


def applicable_targets(node: Org, period, from_period) -> dict[str, TierTarget]:
    """kind → the target that applies to ``node``: set on the node or the nearest node above it."""
    rows = (
        TierTarget.objects.filter(owner_org__path__in=node.ancestor_paths(), period=period, from_period=from_period)
        .select_related("owner_org", "set_by")
        .order_by("owner_org__depth")
    )
    return {row.kind: row for row in rows}


def target_progress(matrix: dict[tuple, int], targets: dict[str, TierTarget]) -> list[dict]:
    actual = actual_progress(matrix)
    out = []
    for kind, label in TierTarget.Kind.choices:
        target = targets.get(kind)
        figure = actual[kind]
        reached = None
        if target is not None and figure["of"]:
            reached = figure["n"] * 100 >= target.percent * figure["of"]
        out.append({"kind": kind, "label": label, "target": target, "reached": reached, **figure})
    return out


# --- the branch's board of its members, and what a member sees of his results ---------------------------

# The board: the branch's secretary, its org_department and leading group above.
BOARD_ROLES = frozenset({Role.SECRETARY, Role.ORG_DEPARTMENT, Role.LEADING_GROUP})


def board_members(org: Org, period) -> QuerySet[Member]:
    """Who the board of ``org`` lists for ``period``: its members now, and members who have moved away
    but whose rating or branch assessment of the period was made by ``org`` (the org stored on the row)."""
    from ..models import MemberRating

    made_here = Q(pk__in=MemberRating.objects.filter(period=period, org=org).values("member_id")) | Q(
        pk__in=Assessment.objects.filter(period=period, org=org, target=Target.MEMBER, source=Source.SUPERIOR).values(
            "member_id"
        )
    )
    return Member.objects.filter(Q(org=org) | made_here)


def board_rows(org: Org, period, members: list[Member], *, user) -> list[dict]:
    """One row per member of ``members`` (a page of ``board_members``): self / peer / mass / branch
    scores, the combined score and the level it implies, the self and branch assessments, the rating.
    A fixed number of queries whatever the number of members."""
    from ..models import MemberRating
    from ..services import ratings, scoring

    ids = [m.pk for m in members]
    scores = scoring.member_scores(period, Member.objects.filter(pk__in=ids)) if ids else {}
    assessments: dict[tuple[int, str], Assessment] = {}
    for a in Assessment.objects.filter(
        period=period, target=Target.MEMBER, source__in=[Source.SELF, Source.SUPERIOR], member_id__in=ids
    ).only("pk", "member_id", "source", "status", "score", "org_id"):
        assessments[(a.member_id, a.source)] = a
    rating_rows = {
        r.member_id: r
        for r in MemberRating.objects.filter(period=period, member_id__in=ids).select_related("rated_by", "org")
    }
    rows = []
    for member in members:
        moved_out = member.org_id != org.pk
        s = scores.get(member.pk, {})
        superior = assessments.get((member.pk, Source.SUPERIOR))
        rating = rating_rows.get(member.pk)
        if moved_out:  # only what this organization made
            superior = superior if superior is not None and superior.org_id == org.pk else None
            rating = rating if rating is not None and rating.org_id == org.pk else None
        rows.append(
            {
                "member": member,
                "moved_out": moved_out,
                "self": s.get("self"),
                "self_assessment": assessments.get((member.pk, Source.SELF)),
                "peer": s.get("peer"),
                "mass": s.get("mass"),
                "superior": s.get("superior"),
                "superior_assessment": superior,
                "score": s.get("score"),
                "implied": ratings.implied_level(s.get("score")),
                "rating": rating,
                "can_rate": not moved_out and ratings.can_rate(user, member),
            }
        )
    return rows


def rating_counts(org: Org, period) -> dict[str, int]:
    """level → members of ``org`` rated so in ``period`` (the org stored on the rating): one query."""
    from ..models import MemberRating

    return dict(
        MemberRating.objects.filter(period=period, org=org)
        .order_by()
        .values_list("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )


def released_results_for(member: Member) -> list[dict]:
    """What ``member`` may see of the results others made of him: for each (period, organization) pair
    whose organization released its members' results of the period (``MemberResultsRelease``; the
    organization is the one stored on the result row, so results follow a member who moved), the
    branch's assessment of him (with its level per criterion), his rating and his 群众评议 results per
    member batch. Newest period first. A fixed number of queries."""
    from ..models import MassBatch, MemberRating, MemberResultsRelease
    from ..services.mass import member_results

    released = MemberResultsRelease.objects.filter(period=OuterRef("period_id"), org=OuterRef("org_id"))
    assessments = list(
        Assessment.objects.filter(
            member=member, target=Target.MEMBER, source=Source.SUPERIOR, status=AssessmentStatus.SUBMITTED
        )
        .filter(Exists(released))
        .select_related("criteria_set", "period", "org")
        .prefetch_related("scores__criterion")
    )
    ratings_ = list(MemberRating.objects.filter(member=member).filter(Exists(released)).select_related("period", "org"))
    batches = list(
        MassBatch.objects.filter(target=Target.MEMBER, pk__in=member_batch_ids(member))
        .filter(Exists(released))
        .select_related("criteria_set", "period", "org")
        .order_by("-created_at", "-id")
    )
    mass = member_results(batches, member)
    keys = {(a.period_id, a.org_id) for a in assessments} | {(r.period_id, r.org_id) for r in ratings_}
    keys |= {(b.period_id, b.org_id) for b in batches}
    if not keys:
        return []
    q = Q(pk__in=[])
    for period_id, org_id in keys:
        q |= Q(period_id=period_id, org_id=org_id)
    releases = {
        (r.period_id, r.org_id): r for r in MemberResultsRelease.objects.filter(q).select_related("period", "org")
    }
    out = []
    for key, release in releases.items():
        assessment = next((a for a in assessments if (a.period_id, a.org_id) == key), None)
        rows = []
        if assessment is not None:
            chosen = {s.criterion_id: s for s in assessment.scores.all()}
            rows = [
                {
                    "criterion": s.criterion,
                    "level": s.level,
                    "label": assessment.criteria_set.level_label(s.level),
                    "comment": s.comment,
                }
                for s in sorted(chosen.values(), key=lambda s: s.criterion.order)
            ]
        out.append(
            {
                "period": release.period,
                "org": release.org,
                "released_at": release.released_at,
                "assessment": assessment,
                "rows": rows,
                "rating": next((r for r in ratings_ if (r.period_id, r.org_id) == key), None),
                "mass": [(b, mass[b.pk]) for b in batches if (b.period_id, b.org_id) == key],
            }
        )
    out.sort(key=lambda item: (item["period"].start_date, item["released_at"]), reverse=True)
    return out


def member_batch_ids(member: Member) -> QuerySet:
    from ..models import MassToken

    return MassToken.objects.filter(member=member).values("batch_id")
