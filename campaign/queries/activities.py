"""Scoped reads for activity records, reports upward and publicity, built only on ``orgs.queries``.

Outside the scope: 404 (the lookups here search the whole visible scope); wrong role inside it: 403 (the views).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from common.subqueries import count_per_row
from orgs import queries
from orgs.enums import OrgLevel, Role
from orgs.models import Member, Org

from ..models import ActivityRecord, Attachment, ImplementationReport, Milestone, ReportingBody, Story, StoryStatus

READ_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECTOR_SUPERVISOR, Role.SECRETARY}) | (
    queries.GUIDE_ROLES  # 党建工作指导员 read the basic organizations they are assigned to
)
# "Written by the org's secretary (or org_department in scope)".
WRITE_ROLES = frozenset({Role.SECRETARY, Role.ORG_DEPARTMENT})
REVIEW_ROLES = frozenset({Role.ORG_DEPARTMENT})
# The province's 组织部 and 领导小组 see who has reported; the reporting unit's 组织部 submits.
REPORT_READ_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT})
REPORT_WRITE_ROLES = frozenset({Role.ORG_DEPARTMENT})


def attachment_count(model):
    """A correlated count of attachments per row (no join, no per-row query)."""
    owner_type = ContentType.objects.get_for_model(model)
    return count_per_row(Attachment.objects.filter(owner_type=owner_type, owner_id=OuterRef("pk")), "owner_id")


# ----- activity records -----


def activities_for(user, *, roles=READ_ROLES) -> QuerySet[ActivityRecord]:
    return ActivityRecord.objects.filter(queries.org_scope_q(user, roles=roles, prefix="org__"))


def activity_list(user) -> QuerySet[ActivityRecord]:
    return (
        activities_for(user)
        .select_related("org")
        .annotate(attachment_count=attachment_count(ActivityRecord))
        .order_by("-date", "-id")
    )


def get_activity_or_404(user, pk) -> ActivityRecord:
    """An activity record anywhere the user can see (any role): 404 outside; the view checks the role."""
    return queries.row_or_404(
        activities_for(user, roles=queries.ALL_ROLES).select_related("org", "campaign", "created_by"),
        pk,
        "activity record",
    )


def can_write_activity(user, org: Org) -> bool:
    return org.is_basic and queries.covers(user, org, WRITE_ROLES)


BADGE_Q = Q(badge_demo_household=True) | Q(badge_vanguard_post=True) | Q(badge_responsibility_area=True)


def badge_members(user, *, org: Org | None = None) -> QuerySet[Member]:
    """Members showing a 亮牌示范 badge (党员示范户, 党员先锋岗, 党员责任区) in scope, by organization."""
    members = queries.members_for(user, roles=READ_ROLES).filter(BADGE_Q)
    if org is not None:
        members = members.filter(org_path__startswith=org.path)
    return members.select_related("org").order_by("org_path", "name", "id")


# ----- reports upward -----

REPORT_MILESTONE = "report_upward"


def _default_report_milestone() -> Milestone:
    """The seed's rule when a campaign has no report_upward milestone: the cities and the registered bodies."""
    return Milestone(code=REPORT_MILESTONE, levels=[OrgLevel.CITY], provincial_units=True)


def report_milestone(campaign) -> Milestone:
    found = campaign.milestones.filter(code=REPORT_MILESTONE).first() if campaign is not None else None
    return found or _default_report_milestone()


def reporting_units(campaign=None) -> QuerySet[Org]:
    """Every organization that must report upward: those the campaign's report_upward milestone applies to —
    the cities and the 省直 reporting bodies (ReportingBody) — so that the list, the milestone and the reminders
    count the same organizations."""
    return Org.objects.filter(report_milestone(campaign).applies_q())


def province_overview_roots(user) -> list[Org]:
    """The province roots on which the user holds 组织部 / 领导小组: they see every reporting unit below."""
    return [o for o in queries.top_orgs(user, REPORT_READ_ROLES) if o.depth == 1]


def own_reporting_units(user, *, roles=REPORT_READ_ROLES) -> list[Org]:
    """The reporting units the user's role sits on itself (a city's 组织部 reports for its own city, a system
    committee's for the committee). No query when the user holds none of ``roles`` below a root; cached."""
    candidates = {a.org_id for a in queries.assignments(user) if a.role in roles and a.org.depth > 1}
    if not candidates:
        return []
    cache = user.__dict__.setdefault("_own_reporting_units", {})
    key = frozenset(roles)
    if key not in cache:
        cache[key] = list(reporting_units().filter(pk__in=candidates).order_by("path"))
    return cache[key]


def report_overview(campaign, roots: list[Org]) -> QuerySet[Org]:
    """Every reporting unit below ``roots`` with its number of versions and latest submission: one query."""
    reports = ImplementationReport.objects.filter(campaign=campaign, org=OuterRef("pk")).order_by()
    latest = reports.order_by("-submitted_at").values("submitted_at")[:1]
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(path__startswith=root.path)
    return (
        reporting_units(campaign)
        .filter(q)
        .select_related("reporting_body")
        .annotate(latest_at=Subquery(latest), versions=count_per_row(reports, "org"))
        .order_by("path")
    )


def get_reporting_unit_or_404(user, code: str) -> Org:
    org = queries.get_org_or_404(user, code)
    if not reporting_units().filter(pk=org.pk).exists():
        raise Http404("not a reporting unit")
    return org


def can_read_reports(user, org: Org) -> bool:
    return queries.covers(user, org, REPORT_READ_ROLES)


def can_submit_report(user, org: Org) -> bool:
    """Only the unit's own 组织部 ("its own implementation opinion"), not a superior on its behalf."""
    return org in own_reporting_units(user, roles=REPORT_WRITE_ROLES) and queries.covers(user, org, REPORT_WRITE_ROLES)


def reports_of(campaign, org: Org) -> QuerySet[ImplementationReport]:
    return (
        ImplementationReport.objects.filter(campaign=campaign, org=org)
        .select_related("submitted_by")
        .prefetch_related("attachments")
        .order_by("-version")
    )


def reporting_bodies_for(user) -> QuerySet:
    """The register of 省直 reporting bodies below the user's province roots (组织部 / 领导小组 of the province)."""
    q = Q(pk__in=[])
    for root in province_overview_roots(user):
        q |= Q(org__path__startswith=root.path)
    return ReportingBody.objects.filter(q).select_related("org", "created_by").order_by("org__path")


def can_manage_reporting_bodies(user) -> bool:
    """The province's 组织部 keeps the register ("请及时报省委组织部")."""
    return any(a.role == Role.ORG_DEPARTMENT and a.org.depth == 1 for a in queries.assignments(user))


# ----- publicity -----


def stories_for(user, *, roles=READ_ROLES) -> QuerySet[Story]:
    return Story.objects.filter(queries.org_scope_q(user, roles=roles, prefix="org__"))


def review_scope_q(user, *, prefix="") -> Q:
    """Organizations strictly below one of the user's 组织部 nodes: the user covers their parent (上级)."""
    q = Q(pk__in=[])
    for a in queries.assignments(user):
        if a.role not in REVIEW_ROLES:
            continue
        part = Q(**{f"{prefix}path__startswith": a.org.path, f"{prefix}depth__gt": a.org.depth})
        if a.sector:
            part &= Q(**{f"{prefix}sector": a.sector}) | Q(**{f"{prefix}sector": ""})
        q |= part
    return q


def story_list(user) -> QuerySet[Story]:
    return stories_for(user).select_related("org").order_by("-updated_at", "-id")


def stories_to_review(user) -> QuerySet[Story]:
    return stories_for(user).filter(review_scope_q(user, prefix="org__"), status=StoryStatus.SUBMITTED)


def get_story_or_404(user, pk) -> Story:
    return queries.row_or_404(
        stories_for(user, roles=queries.ALL_ROLES).select_related("org", "cover", "created_by"), pk, "story"
    )


def can_write_story(user, org: Org) -> bool:
    return queries.covers(user, org, WRITE_ROLES)


def can_review_story(user, story: Story) -> bool:
    """The superior reviews: 组织部 covering the story's organization's parent (not only the org itself)."""
    parent = Org.objects.get_parent(story.org)
    return parent is not None and queries.covers(user, parent, REVIEW_ROLES)


def published_stories() -> QuerySet[Story]:
    """Public: only published stories, newest first."""
    return (
        Story.objects.filter(status=StoryStatus.PUBLISHED)
        .select_related("org", "cover")
        .order_by("-published_at", "-id")
    )
