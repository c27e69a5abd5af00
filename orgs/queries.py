"""The one gateway for scope: which organizations (and members) a user may see and act on.

"创先争优活动的领导关系按党组织隶属关系确定。" (seed, part 五) — a role on a node covers
that node's whole subtree; a sector supervisor's role covers one sector of it
("行业主管部门要加强对本行业、本系统开展创先争优活动的具体指导和督促检查").

Every read of tenant data starts here (other apps build their own ``queries.py`` on
``orgs_for`` / ``org_scope_q``). Outside the scope a view answers 404, never 403.
"""

import json
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import CharField, F, Func, Lookup, OrderBy, Q, QuerySet
from django.http import Http404

from .enums import Role
from .models import Member, Org, RoleAssignment, User
from .pinyin import search_key

ALL_ROLES = frozenset(Role.values)
READ_MEMBER_ROLES = frozenset(
    {Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECTOR_SUPERVISOR, Role.SECRETARY, Role.INSTRUCTOR}
)
# 党建工作指导员: reads the basic organizations it is assigned to (members masked) and remarks; writes nothing else.
GUIDE_ROLES = frozenset({Role.INSTRUCTOR})
MANAGE_ROLES = frozenset({Role.ORG_DEPARTMENT})
# 领导小组 ("负责创先争优活动的组织指导", seed part 五) and 行业主管部门: follow the campaign on the dashboards.
WATCH_ROLES = frozenset({Role.LEADING_GROUP, Role.SECTOR_SUPERVISOR})


def assignments(user) -> list[RoleAssignment]:
    """The user's role assignments with their nodes, loaded once per user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_role_assignments", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user, org__active=True).select_related("org"))
        user._role_assignments = cached
    return cached


def _assignments_with(user, roles) -> list[RoleAssignment]:
    roles = ALL_ROLES if roles is None else frozenset(roles)
    return [a for a in assignments(user) if a.role in roles]


def has_role(user, roles=None) -> bool:
    """Does the user hold any of ``roles`` anywhere?"""
    return bool(_assignments_with(user, roles))


def roles_of(user) -> set[str]:
    return {a.role for a in assignments(user)}


def member_record(user) -> Member | None:
    """The member record linked to the account (``User.member``) with its organization, or None. Enough for the
    member's own things: 我的创先争优, the 党性分析报告 and the 五个模范 self-assessment. Cached on the user."""
    if not getattr(user, "is_authenticated", False) or not user.member_id:
        return None
    if not User.member.is_cached(user):
        member = Member.objects.select_related("org").filter(pk=user.member_id).first()
        if member is None:
            return None
        user.member = member
    return user.member


def own_member(user) -> Member | None:
    """The member record of a user acting as a party member: linked record and the ``member`` role (DESIGN
    "Roles"), else None. Needed where the member writes campaign records (commitments, 联系户 services)."""
    if getattr(user, "is_authenticated", False) and user.member_id and has_role(user, {Role.MEMBER}):
        return member_record(user)
    return None


def org_scope_q(user, *, roles=None, prefix="") -> Q:
    """A Q over organizations (``prefix`` names the relation to Org, e.g. ``"org__"``).

    Matches nothing when the user holds none of the roles.
    """
    q = Q(pk__in=[])
    for a in _assignments_with(user, roles):
        part = Q(**{f"{prefix}path__startswith": a.org.path})
        if a.sector:
            # Territorial committees carry no sector: they stay visible for navigation.
            part &= Q(**{f"{prefix}sector": a.sector}) | Q(**{f"{prefix}sector": ""})
        q |= part
    return q


def member_scope_q(user, *, roles=None) -> Q:
    """A Q over members: those of organizations in scope (by the denormalized org path)."""
    q = Q(pk__in=[])
    for a in _assignments_with(user, roles):
        part = Q(org_path__startswith=a.org.path)
        if a.sector:
            part &= Q(org_sector=a.sector)
        q |= part
    return q


def orgs_for(user, *, roles=None) -> QuerySet[Org]:
    """Organizations the user may see (any role) or act on (``roles`` given)."""
    return Org.objects.filter(org_scope_q(user, roles=roles), active=True)


def members_for(user, *, roles=None) -> QuerySet[Member]:
    roles = READ_MEMBER_ROLES if roles is None else roles
    return Member.objects.filter(member_scope_q(user, roles=roles))


# --- the member list -------------------------------------------------------------------------------
#
# A page of members is read in tree order (org_path, id) off one of Member's covering indexes (orgs.models):
# ``members_in_tree_order`` spells that order the way the indexes hold it, ``members_after`` /
# ``members_before`` continue from a row (keyset pagination: page 100,000 costs what page 1 costs), and
# ``estimate_members`` asks the planner how many rows a filtered list has, for "约 N 人" above the exact-count
# limit. Plans and figures: bench/README.md (党员列表).


class _PatternOrder(OrderBy):
    """``ORDER BY col USING ~<~`` (ascending) or ``USING ~>~`` (descending): the order of a
    varchar_pattern_ops index (PostgreSQL), which an index scan reads forwards or backwards.

    Django's compiler finds " ASC"/" DESC" in each ORDER BY term to de-duplicate terms: the
    comment carries it, since ``USING`` takes no direction keyword.
    """

    def as_sql(self, compiler, connection, template=None, **extra_context):
        operator = "~>~" if self.descending else "~<~"
        template = f"%(expression)s USING {operator} /* %(ordering)s */"
        return super().as_sql(compiler, connection, template=template, **extra_context)


def _postgres(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


class _Unindexed(Func):
    """``(org_path || '')``: the same text, which no index holds in order."""

    template = "(%(expressions)s || '')"
    output_field = CharField()


def members_in_tree_order(
    queryset: QuerySet[Member], *, reverse: bool = False, by_index: bool = True
) -> QuerySet[Member]:
    """Members in tree order (organization path, then id), or its reverse, readable straight off an index.

    On PostgreSQL the order is spelled as the order of the member indexes (varchar_pattern_ops on org_path),
    so a page reads 30 index entries instead of sorting the subtree (province, 4.2 million members: 4.8 s →
    3 ms). SQLite compares text byte by byte, which is that same order.

    ``by_index=False`` spells the same order so that no index yields it: the planner then finds the matching
    rows first (e.g. by the name's GIN index) and sorts them — for a rare match, where walking the tree
    order would pass most of the subtree before the first one (bench/README.md, 党员列表).
    """
    if _postgres(queryset):
        path = F("org_path") if by_index else _Unindexed(F("org_path"))
        return queryset.order_by(_PatternOrder(path, descending=reverse), OrderBy(F("id"), descending=reverse))
    return queryset.order_by("-org_path", "-id") if reverse else queryset.order_by("org_path", "id")


def members_by_org_and_name(queryset: QuerySet[Member]) -> QuerySet[Member]:
    """Members organization by organization in tree order and, inside one, by name (then id).

    On PostgreSQL the organization order is spelled as the member indexes hold it (varchar_pattern_ops on
    org_path: the same order, org_path being digits), so a page reads the first organizations off the index
    and sorts only their members by name (an incremental sort) instead of sorting the whole subtree (the
    党性分析 list of a county, 23,657 members: 77 ms → 0.4 ms).
    """
    if _postgres(queryset):
        return queryset.order_by(_PatternOrder(F("org_path")), "name", "id")
    return queryset.order_by("org_path", "name", "id")


class _PatternCompare(Lookup):
    """``org_path ~>~ %s`` and friends: comparisons in the order of a varchar_pattern_ops index."""

    prepare_rhs = False
    operator = ""

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} {self.operator} {rhs}", (*lhs_params, *rhs_params)


class _PatternGt(_PatternCompare):
    lookup_name = "pattern_gt"
    operator = "~>~"


class _PatternGte(_PatternCompare):
    lookup_name = "pattern_gte"
    operator = "~>=~"


class _PatternLt(_PatternCompare):
    lookup_name = "pattern_lt"
    operator = "~<~"


class _PatternLte(_PatternCompare):
    lookup_name = "pattern_lte"
    operator = "~<=~"


def members_after(queryset: QuerySet[Member], path: str, pk: int) -> QuerySet[Member]:
    """The members after (``path``, ``pk``) in tree order: ``org_path ~>=~ path`` bounds the index range,
    the rest skips the rows of that organization up to ``pk``."""
    if _postgres(queryset):
        return queryset.filter(_PatternGte(F("org_path"), path)).filter(
            Q(_PatternGt(F("org_path"), path)) | Q(org_path=path, id__gt=pk)
        )
    return queryset.filter(org_path__gte=path).filter(Q(org_path__gt=path) | Q(org_path=path, id__gt=pk))


def members_before(queryset: QuerySet[Member], path: str, pk: int) -> QuerySet[Member]:
    """The members before (``path``, ``pk``) in tree order (read with ``members_in_tree_order(reverse=True)``)."""
    if _postgres(queryset):
        return queryset.filter(_PatternLte(F("org_path"), path)).filter(
            Q(_PatternLt(F("org_path"), path)) | Q(org_path=path, id__lt=pk)
        )
    return queryset.filter(org_path__lte=path).filter(Q(org_path__lt=path) | Q(org_path=path, id__lt=pk))


class _HasChars(Lookup):
    """``string_to_array(name, NULL) @> ARRAY[…]``: the name holds each of these characters (PostgreSQL),
    answered by the GIN index ``member_name_chars`` (orgs/migrations/0007)."""

    lookup_name = "has_chars"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"string_to_array({lhs}, NULL) @> %s::text[]", (*lhs_params, sorted(set(self.rhs)))


def name_has_chars(text: str):
    """A condition on members whose name holds every character of ``text`` (PostgreSQL only).

    One character: the same members as ``name__contains`` — and the planner knows how many (the statistics
    of the indexed expression hold each character's frequency). Two characters: added beside
    ``name__contains`` when the name is rare (pg_trgm has no trigram of two characters to search with).
    """
    return _HasChars(F("name"), list(text))


def count_members(queryset: QuerySet[Member], limit: int) -> int:
    """``count(*)`` of at most ``limit + 1`` of the rows (no order: the planner picks the cheapest index).

    On PostgreSQL without parallel workers (``SET LOCAL`` in a transaction of its own): a web request's count
    of at most ``limit`` rows gains nothing from starting workers on a machine whose other cores serve other
    requests, and under load the workers' start-up doubled its time (bench/README.md, 党员列表)."""
    capped = queryset.order_by().values("pk")[: limit + 1]
    if not _postgres(queryset):
        return capped.count()
    with transaction.atomic(using=queryset.db):
        with connections[queryset.db].cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        return capped.count()


def estimate_members(queryset: QuerySet[Member]) -> int | None:
    """How many rows ``queryset`` has by the planner's estimate (``EXPLAIN``, nothing is read), or None
    when the database is not PostgreSQL. The estimate rests on the table's statistics: the histograms of
    org_path (a subtree) and name (a name pattern), the extended statistics over sector, kind, category and
    status (orgs/migrations/0007), the frequency of each tier and age; shown only as "约 N 人"."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().values("pk").query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # .none(), an empty IN list: nothing to ask
        return 0
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def users_for(user) -> QuerySet[User]:
    """Accounts an org_department user manages: those with a role inside its subtree."""
    q = Q(pk__in=[])
    for a in _assignments_with(user, MANAGE_ROLES):
        q |= Q(assignments__org__path__startswith=a.org.path)
    return User.objects.filter(q).distinct()


def assignments_for(user) -> QuerySet[RoleAssignment]:
    """Role assignments an org_department user manages: those on nodes inside its subtree."""
    return RoleAssignment.objects.filter(org_scope_q(user, roles=MANAGE_ROLES, prefix="org__"))


def can_manage_account(user, account: User) -> bool:
    """May ``user`` change ``account`` itself (activate, reset its password), not only its roles?

    Only when every role of the account lies inside the user's subtree — otherwise a county could
    take over a city account that also holds a role in the county — and never a staff account.
    """
    if account.is_staff or account.is_superuser:
        return False
    own = RoleAssignment.objects.filter(user=account)
    return own.exists() and not own.exclude(org_scope_q(user, roles=MANAGE_ROLES, prefix="org__")).exists()


def covers(user, org: Org, roles=None) -> bool:
    """Does one of the user's assignments (of ``roles``) cover ``org``? No query."""
    for a in _assignments_with(user, roles):
        if org.path.startswith(a.org.path) and (not a.sector or org.sector in ("", a.sector)):
            return True
    return False


def nearest_departments(org: Org, rows) -> list[RoleAssignment]:
    """Of ``rows`` (role assignments on ``org``'s ancestors, each with its org; any roles), the 组织部 ones of the
    nearest node that has one for ``org`` (a department of one sector only for that sector's organizations): who
    is told of what ``org`` sends up — a plan to approve, a story to review. No query."""
    departments = [a for a in rows if a.role == Role.ORG_DEPARTMENT and (not a.sector or org.sector in ("", a.sector))]
    if not departments:
        return []
    nearest = max(len(a.org.path) for a in departments)
    return [a for a in departments if len(a.org.path) == nearest]


def covers_member(user, member: Member, roles=None) -> bool:
    for a in _assignments_with(user, roles):
        if member.org_path.startswith(a.org.path) and (not a.sector or member.org.sector == a.sector):
            return True
    return False


def can_manage(user, org: Org) -> bool:
    return covers(user, org, MANAGE_ROLES)


def can_see_full_id(user, member: Member) -> bool:
    """Only org_department in scope sees full ID numbers (and every view is audited)."""
    return covers_member(user, member, MANAGE_ROLES)


def top_orgs(user, roles=None) -> list[Org]:
    """The user's highest nodes: where the tree starts for them (nested ones dropped)."""
    nodes = sorted({a.org.path: a.org for a in _assignments_with(user, roles)}.values(), key=lambda o: o.path)
    tops = []
    for node in nodes:
        if not any(node.path.startswith(t.path) for t in tops):
            tops.append(node)
    return tops


def whole_subtree(user, roles=None, node: Org | None = None) -> Org | None:
    """The node whose whole subtree a list of the user's (``roles``) covers, when it is one: ``node`` (a chosen
    organization in scope) or else the user's only highest node, read through an assignment without a sector;
    None otherwise (several highest nodes, or only a sector of the node). No query. A list whose figures a
    roll-up per node holds (``subtree_members``, the dashboards' snapshot) may read them for this node."""
    if node is None:
        tops = top_orgs(user, roles)
        if len(tops) != 1:
            return None
        node = tops[0]
    if any(not a.sector and node.path.startswith(a.org.path) for a in _assignments_with(user, roles)):
        return node
    return None


def first_or_404(rows: QuerySet, what: str):
    """The first row of ``rows`` (a queryset already limited to the user's scope and to the one row asked for, by
    code or pk), else Http404. Every ``get_*_or_404`` of the apps' queries ends here (or in ``row_or_404``)."""
    found = rows.first()
    if found is None:
        raise Http404(f"no such {what} in scope")
    return found


def row_or_404(rows: QuerySet, pk, what: str):
    """Row ``pk`` of ``rows`` (a queryset already limited to the user's scope), else Http404 — also for a key that
    is not a number the database can hold (a pk from a query string or a form)."""
    if not (str(pk).isdigit() and len(str(pk)) < 19):
        raise Http404(f"no such {what} in scope")
    return first_or_404(rows.filter(pk=pk), what)


def only_org(orgs: QuerySet[Org]) -> Org | None:
    """The one organization of ``orgs``, or None when there is none or more than one (two rows read at most): the
    organization a page or form takes without asking when the user has just one."""
    own = list(orgs.order_by("path")[:2])
    return own[0] if len(own) == 1 else None


def get_org_or_404(user, code: str) -> Org:
    return first_or_404(orgs_for(user).filter(code=code), "organization")


def get_member_or_404(user, pk) -> Member:
    """A member anywhere the user can see members (any member-reading role)."""
    return row_or_404(members_for(user, roles=ALL_ROLES).select_related("org"), pk, "member")


# --- finding an organization (the picker, the tree page's search) -----------------------------

SEARCH_LIMIT = 20
SEARCH_MAX_CHARS = 50
_NOT_TYPED = re.compile(r"[\s\x00-\x1f\x7f]+")


@dataclass
class OrgSearch:
    """One page of organizations: at most ``limit`` of them, and whether there are ``more``."""

    orgs: list
    more: bool = False


def search_text(text) -> str:
    """A typed query as searched: full-width characters folded (ＩＭＥ digits), no spaces or control characters."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return _NOT_TYPED.sub("", text)[:SEARCH_MAX_CHARS]


def org_search_q(text) -> Q | None:
    """What ``text`` matches, or None when there is nothing to search for.

    Letters and digits: the code, the name's pinyin initials ("tyz" → 塔元庄村党支部) or its full pinyin
    starts with them — three prefix conditions, each read off its own index (varchar_pattern_ops), so a
    code or initials never scan the table. Chinese: the name contains the text, the one condition no
    b-tree serves; the caller's scope (a path prefix) bounds it.
    """
    text = search_text(text)
    if not text:
        return None
    if not text.isascii():
        return Q(name__contains=text)
    match = Q(code__startswith=text)
    key = search_key(text)
    if key:
        match |= Q(name_initials__startswith=key) | Q(name_pinyin__startswith=key)
    return match


def search_orgs(user, text, *, roles=None, levels=None, limit=SEARCH_LIMIT) -> OrgSearch:
    """Organizations in the user's scope (acting with ``roles``, when given) that match ``text``, of
    ``levels`` only when given: the highest first, then in tree order. One query."""
    match = org_search_q(text)
    if match is None:
        return OrgSearch([])
    found = orgs_for(user, roles=roles).filter(match)
    if levels:
        found = found.filter(level__in=list(levels))
    found = list(found.order_by("depth", "path")[: limit + 1])
    return OrgSearch(found[:limit], more=len(found) > limit)


def children_of(user, org: Org, *, roles=None) -> QuerySet[Org]:
    """The children of ``org`` in the user's scope, in tree order (``org_depth_path`` index): one query."""
    return orgs_for(user, roles=roles).filter(path__startswith=org.path, depth=org.depth + 1).order_by("path")


def with_trails(user, orgs):
    """Set ``org.trail`` on each of ``orgs``: the names of its ancestors the user can see, top down.

    One query for all of them (none when they have no ancestors); returns ``orgs``.
    """
    wanted = {path for org in orgs for path in org.ancestor_paths(include_self=False)}
    names = dict(orgs_for(user).filter(path__in=wanted).values_list("path", "name")) if wanted else {}
    for org in orgs:
        org.trail = [names[path] for path in org.ancestor_paths(include_self=False) if path in names]
    return orgs
