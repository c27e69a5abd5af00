"""What waits for an organization department (组织部工作台): the work its subtree sends up to it, each kind counted
with the query its own page uses, and one tap to that page with its filter applied.

"加强督促检查。采取听取汇报、专题调度、交流研讨、明查暗访等形式，了解活动进展情况，研究解决遇到的问题" (seed, part 五):
the county's and the city's 组织部 approve the plans, review the stories and the nominations, hand the places of a
round down, handle the 公示's objections, verify the rectification and rate the 述职 of the organizations below them.
Each count comes from the query the target page filters with (no second version of it), in the user's 组织部 scope
only; a row appears only when the user's roles open its page (the same role sets the target views use). A fixed
number of queries whatever the number of rows.
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability import queries as duty_queries
from accountability.models import DutyStatus
from awards.models import AwardCategory
from awards.queries import nominations as award_queries
from awards.services import quotas as quota_services
from campaign.models import Plan
from campaign.queries import activities as story_queries
from campaign.queries import plans as plan_queries
from campaign.queries import supervision as supervision_queries
from campaign.queries.timeline import campaign_progress
from orgs import queries
from orgs.enums import OrgLevel, Role
from orgs.models import ImportJob, Org, RoleAssignment

from .queries import CampaignState, with_query

DEPARTMENT_ROLES = frozenset({Role.ORG_DEPARTMENT})


def department_orgs(user) -> list[Org]:
    """The organizations the user is 组织部 of, in tree order (no query)."""
    found = {a.org.pk: a.org for a in queries.assignments(user) if a.role in DEPARTMENT_ROLES}
    return sorted(found.values(), key=lambda o: o.path)


@dataclass
class Task:
    """One kind of work that waits: what, where (a round, a level, a year: "" when one row says it all), how many,
    and the page that does it."""

    count: int
    url: str
    where: str = ""
    title: str = ""  # the kind's name (KINDS, set by department_board), or the overdue milestone's
    badge_text: str = ""  # how the count reads ("%(n)s 个名额"); "" for "%(n)s 件"

    @property
    def badge(self) -> str:
        return (self.badge_text or _("%(n)s 件")) % {"n": self.count}


@dataclass
class Board:
    tasks: list[Task]  # what waits (count > 0), in the order of the page
    idle: list[str]  # the kinds the user handles with nothing waiting today
    overdue: list[Task]  # milestones past due: how many organizations of the subtree have not done each


def plan_tasks(user, campaign) -> list[Task]:
    """实施方案待审批: the plan list's "待我审批" (``?pending=1``) of the current campaign. One query."""
    if campaign is None:
        return []
    n = (
        plan_queries.plans_for(user, campaign)
        .filter(plan_queries.approvable_q(user), status=Plan.Status.SUBMITTED)
        .count()
    )
    return [Task(n, with_query(reverse("campaign:plan_list"), pending=1))]


def story_tasks(user) -> list[Task]:
    """典型/稿件待审核: the story list's "待我审核" (``?pending=1``). One query."""
    n = story_queries.stories_to_review(user).count()
    return [Task(n, with_query(reverse("campaign:story_list"), pending=1))]


class Nearest:
    """Whose work a level's nominations and a round's objections are: the 组织部 nearest above (or on) the level,
    as the holder is told (``awards.services.nominations._holder_users``). A city's department does not count
    what waits at a township of a county that has its own; a county without a township department counts its
    townships'. The rule of ``orgs.queries.nearest_departments``, asked for many levels at once: the levels are
    committees, of no sector, so every department counts whatever its sector. One query: the other active
    departments inside the user's subtree."""

    def __init__(self, user):
        self.own = [o.path for o in department_orgs(user)]
        self.others = list(
            RoleAssignment.objects.filter(role__in=DEPARTMENT_ROLES, user__is_active=True)
            .filter(queries.org_scope_q(user, roles=DEPARTMENT_ROLES, prefix="org__"))
            .exclude(user=user)
            .values_list("org__path", flat=True)
            .distinct()
        )

    @staticmethod
    def _depth(paths, path: str) -> int:
        return max((len(p) for p in paths if path.startswith(p)), default=-1)

    def mine(self, path: str) -> bool:
        return self._depth(self.own, path) >= self._depth(self.others, path)


def nomination_tasks(user, today: datetime.date, nearest: Nearest) -> list[Task]:
    """推荐对象待审核上报: per round under review and level whose nearest 组织部 is the user's, what the level holds
    (awards:review of that level). One query."""
    return [
        Task(
            row["n"],
            reverse("awards:review", args=[row["award_round__code"], row["current_org__code"]]),
            where=_("%(round)s · %(level)s") % {"round": row["award_round__name"], "level": row["current_org__name"]},
        )
        for row in award_queries.held_counts(user, today)
        if nearest.mine(row["current_org__path"])
    ]


# The levels that hand quotas to non-basic children (a township's children are basic organizations).
QUOTA_LEVELS = frozenset({OrgLevel.PROVINCE, OrgLevel.CITY, OrgLevel.COUNTY})


def quota_tasks(user, today: datetime.date) -> list[Task]:
    """名额待分配: per round still taking nominations and node of his that hands quotas down, how many places it got
    and has not handed to its children yet (the quota page's "left to hand out"). One query, and two per node of
    his, whatever the number of rounds and categories."""
    nodes = [o for o in department_orgs(user) if o.level in QUOTA_LEVELS]
    if not nodes:
        return []
    rounds = award_queries.rounds_for(user, roles=award_queries.MANAGE_ROLES).filter(nomination_closes__gte=today)
    categories = {
        c.pk: c.award_round for c in AwardCategory.objects.filter(award_round__in=rounds).select_related("award_round")
    }
    if not categories:
        return []
    tasks = []
    for node in nodes:
        own = quota_services.amounts(rounds, [node])
        out = quota_services.handed_out(rounds, [node])
        left = {}
        for (org_id, category_id), amount in own.items():
            rest = amount - out.get((org_id, category_id), 0)
            if rest > 0 and category_id in categories:
                award_round = categories[category_id]
                left[award_round] = left.get(award_round, 0) + rest
        for award_round, n in sorted(left.items(), key=lambda item: (item[0].nomination_closes, item[0].pk)):
            tasks.append(
                Task(
                    n,
                    reverse("awards:quota", args=[award_round.code, node.code]),
                    where=_("%(round)s · %(level)s") % {"round": award_round.name, "level": node.name},
                    badge_text=_("%(n)s 个名额"),
                )
            )
    return tasks


def objection_tasks(user, nearest: Nearest) -> list[Task]:
    """公示异议待处理: per round whose owner's nearest 组织部 is the user's, on the round's 拟表彰名单 page. One
    query."""
    return [
        Task(
            row["n"],
            reverse("awards:shortlist", args=[row["nomination__award_round__code"]]),
            where=row["nomination__award_round__name"],
        )
        for row in award_queries.pending_objection_counts(user)
        if nearest.mine(row["nomination__award_round__owner_org__path"])
    ]


def order_tasks(user) -> list[Task]:
    """整改情况待验收: answered orders he may verify (issued on or below his node) — the order list's 待我验收. One
    query."""
    n = supervision_queries.awaiting_verification(user).count()
    return [Task(n, with_query(reverse("campaign:supervision_order_list"), state="mine"))]


def duty_tasks(user, today: datetime.date) -> list[Task]:
    """述职待评议: submitted 述职 of the organizations below his nodes, per year the list offers (it shows one of
    ``duty_years``: a row for an older year would open an empty list). One query."""
    rows = (
        duty_queries.duty_reports_for(user, roles=DEPARTMENT_ROLES)
        .filter(status=DutyStatus.SUBMITTED, year__in=duty_queries.duty_years(today))
        .order_by()
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
    )
    url = reverse("accountability:duty_list")
    return [
        Task(
            r["n"],
            with_query(url, year=r["year"], status=DutyStatus.SUBMITTED),
            where=_("%(year)s年度") % {"year": r["year"]},
        )
        for r in rows
    ]


def import_tasks(user) -> list[Task]:
    """导入文件待确认: his own uploads that passed the dry run and wait for 确认导入 (the import page lists only the
    uploader's own jobs); one of them opens straight. One query."""
    jobs = ImportJob.objects.filter(created_by=user, status=ImportJob.Status.VALID).aggregate(
        n=Count("pk"), last=Max("pk")
    )
    if jobs["n"] == 1:
        return [Task(1, reverse("orgs:import_detail", args=[jobs["last"]]))]
    return [Task(jobs["n"], reverse("orgs:import_list"))]


def milestone_tasks(user, state: CampaignState) -> list[Task]:
    """Milestones past their due date that organizations of his subtree have not done, each with how many of them,
    to the list of those organizations (the campaign page's progress, ``campaign_progress``: three queries; any
    role opens the list); nothing once the campaign has ended."""
    if state.campaign is None or state.ended:
        return []
    tasks = []
    for phase in campaign_progress(user, state.campaign, today=state.today):
        for row in phase.milestones:
            if row.milestone.due_date < state.today and row.not_done:
                tasks.append(
                    Task(
                        row.not_done,
                        reverse("campaign:milestone_orgs", args=[row.milestone.pk]),
                        where=_("完成时限 %(date)s") % {"date": row.milestone.due_date.isoformat()},
                        title=row.milestone.name,
                    )
                )
    return tasks


# (the kind's name when nothing waits, the roles its page lets in, how to count it)
KINDS = [
    (gettext_lazy("实施方案待审批"), plan_queries.READ_ROLES, lambda c: plan_tasks(c.user, c.state.campaign)),
    (gettext_lazy("宣传稿件待审核"), story_queries.READ_ROLES, lambda c: story_tasks(c.user)),
    (
        gettext_lazy("推荐对象待审核上报"),
        award_queries.MANAGE_ROLES,
        lambda c: nomination_tasks(c.user, c.state.today, c.nearest),
    ),
    (gettext_lazy("名额待分配"), award_queries.MANAGE_ROLES, lambda c: quota_tasks(c.user, c.state.today)),
    (
        gettext_lazy("公示异议待处理"),
        award_queries.MANAGE_ROLES,
        lambda c: objection_tasks(c.user, c.nearest),
    ),
    (gettext_lazy("整改情况待验收"), supervision_queries.READ_ROLES, lambda c: order_tasks(c.user)),
    (gettext_lazy("述职待评议"), duty_queries.READ_ROLES, lambda c: duty_tasks(c.user, c.state.today)),
    (gettext_lazy("导入文件待确认"), queries.MANAGE_ROLES, lambda c: import_tasks(c.user)),
]


@dataclass
class Reading:
    """What the counts of one page share."""

    user: object
    state: CampaignState

    @cached_property
    def nearest(self) -> Nearest:
        return Nearest(self.user)


def department_board(user, state: CampaignState) -> Board:
    """Every kind of work the user's roles may open: the ones that wait as tasks, the others named as idle."""
    tasks, idle = [], []
    reading = Reading(user, state)
    for name, roles, count in KINDS:
        if not queries.has_role(user, roles):
            continue
        found = [t for t in count(reading) if t.count]
        for task in found:
            task.title = str(name)
        if found:
            tasks += found
        else:
            idle.append(name)
    return Board(tasks=tasks, idle=idle, overdue=milestone_tasks(user, state))
