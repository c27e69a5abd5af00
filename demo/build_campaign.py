"""The campaign part of the demo: the shifted copy of the seed campaign, the first step's milestones, the branch's
returned plan, its commitments and a few activity records — each written by the service the pages use.

"基层党组织要结合实际制定创先争优活动实施方案……并采取适当方式向群众公布，进行承诺，接受群众监督。" (seed,
part 四 (一)): the branch wrote its plan in the first step and the county returned it with a note; the plan
milestone (制定方案) is therefore overdue for the branch, while its commitments are public and wait to be kept.
"""

import datetime

from campaign.enums import ActivityType
from campaign.models import Campaign, Commitment, Fulfilment, Plan
from campaign.services import activities, commitments, plans
from campaign.services.timeline import copy_campaign, mark_manual_done
from orgs.enums import SECTOR_CARRIERS, MemberCategory
from orgs.models import Member

from . import codes
from .dates import DemoDates, seed_campaign
from .people import Cast, branch_member

PLAN = {
    "theme": "强村富民、服务群众，争当新农村建设排头兵",
    "carriers": ["三级联创", "设岗定责", "依岗承诺"],
    "other_carriers": "党员联系户",
    "goals": "村党支部班子团结、带富能力强；每名党员至少联系三户群众，帮助解决一件实事。",
    "measures": "每月开展一次党员活动日；设立党员责任区和先锋岗；建立群众意见台账，逐件办理、按月公示。",
    "rectification": "落实学习实践活动中群众提出的修路、灌溉等整改事项，年内完成。",
    "commitments": "年内硬化村内主街道；为留守老人建立结对帮扶台账。",
}
NEIGHBOUR_THEMES = ["争创五个好、服务促发展", "亮身份、作表率、惠民生", "强基固本，争创一流", "党群同心奔小康"]
RETURN_REASON = "目标任务不够具体：请写明村主街道硬化的长度和完成时间，补充党员设岗定责的岗位名单后重新提交。"
# Not one of the plan's 承诺事项: publishing the revised plan makes those the branch's second commitment.
ORG_COMMITMENT = "群众反映的问题 3 日内答复，办理结果每月在村务公开栏公示。"
MEMBER_COMMITMENT = "结对帮扶本组留守老人三户，每周上门一次，帮助代购代办。"


def build_campaign(dates: DemoDates, cast: Cast) -> Campaign:
    """The provincial 组织部 copies the seed campaign, shifted so that today is in its second step."""
    return copy_campaign(
        seed_campaign(),
        name=codes.CAMPAIGN_NAME,
        code=codes.CAMPAIGN,
        start_date=dates.campaign_start,
        by=cast.province_department,
    )


def build_first_step(campaign: Campaign, cast: Cast) -> Plan:
    """动员部署 confirmed by the province, the city and the county; 组织学习 by the branch; the branch's plan
    written and submitted in the first step, returned by the county with a reason before the deadline."""
    phase = campaign.phases.get(order=1)
    deadline = phase.end_date
    mobilize = campaign.milestones.get(code="mobilize")
    for org, user in (
        (cast.province, cast.province_department),
        (cast.city, cast.city_department),
        (cast.county, cast.county_department),
    ):
        mark_manual_done(mobilize, org, by=user, note="召开动员大会", today=phase.start_date + _days(10))
    mark_manual_done(
        campaign.milestones.get(code="study"), cast.branch, by=cast.secretary, note="集中学习两次", today=deadline
    )
    plan = plans.create_plan(campaign, cast.branch, by=cast.secretary, fields=PLAN, today=phase.start_date + _days(20))
    plan = plans.submit_plan(plan, by=cast.secretary, expected_revision=plan.revision, today=deadline - _days(12))
    plan = plans.return_plan(
        plan,
        by=cast.county_department,
        reason=RETURN_REASON,
        expected_revision=plan.revision,
        today=deadline - _days(8),
    )
    return plan


def build_neighbour_plans(campaign: Campaign, cast: Cast) -> dict[str, int]:
    """The county's other branches: most published their plan before the deadline (approved by the county),
    two still wait for the county's approval, two wrote nothing — the dashboards and the county's list of
    plans to approve show a spread instead of zeros."""
    phase = campaign.phases.get(order=1)
    written, deadline = phase.start_date + _days(15), phase.end_date
    counts = {"published": 0, "submitted": 0, "none": 0}
    for n, (org, secretary) in enumerate(cast.neighbours):
        outcome = ("published", "published", "published", "submitted", "none")[n % 5]
        counts[outcome] += 1
        if outcome == "none":
            continue
        fields = {
            **PLAN,
            "theme": f"{org.name}：{NEIGHBOUR_THEMES[n % len(NEIGHBOUR_THEMES)]}",
            "carriers": SECTOR_CARRIERS.get(org.sector, [])[:2],
            "other_carriers": "",
        }
        plan = plans.create_plan(campaign, org, by=secretary, fields=fields, today=written)
        plan = plans.submit_plan(plan, by=secretary, expected_revision=plan.revision, today=written + _days(n % 7))
        if outcome == "submitted":
            continue
        decided = deadline - _days(10 - n % 5)
        plan = plans.approve_plan(plan, by=cast.county_department, expected_revision=plan.revision, today=decided)
        plans.publish_plan(plan, by=secretary, expected_revision=plan.revision, today=decided + _days(2))
    return counts


def build_commitments(campaign: Campaign, dates: DemoDates, cast: Cast) -> list[Commitment]:
    """The branch's public commitment (not kept yet) and the member ``dangyuan``'s own one, partly kept."""
    org_commitment = commitments.create_commitment(
        campaign, by=cast.secretary, org=cast.branch, content=ORG_COMMITMENT, today=dates.day(-20)
    )
    org_commitment = commitments.publish_commitment(org_commitment, by=cast.secretary, today=dates.day(-20))
    member = branch_member(cast, cast.member)
    own = commitments.create_commitment(
        campaign, by=cast.member, member=member, content=MEMBER_COMMITMENT, today=dates.day(-18)
    )
    own = commitments.publish_commitment(own, by=cast.member, today=dates.day(-18))
    commitments.record_fulfilment(
        own,
        by=cast.member,
        date=dates.day(-4),
        description="已与三户留守老人结对，上门四次，代购药品两次。",
        fulfilment=Fulfilment.PARTIAL,
        today=dates.today,
    )
    return [org_commitment, own]


def build_activities(campaign: Campaign, dates: DemoDates, cast: Cast) -> list:
    """Two of the five activities the branch recorded since the second step began."""
    present = [m for m in cast.members if m.category != "mobile"]
    rows = [
        (ActivityType.PARTY_EDUCATION, -12, "重温入党誓词、学习党史", "支部书记讲党课，全体党员重温入党誓词。"),
        (ActivityType.SERVE_MASSES, -6, "党员志愿服务日", "党员分组为留守老人打扫庭院、检修电器。"),
    ]
    return [
        activities.create_activity(
            cast.branch,
            by=cast.secretary,
            activity_type=kind,
            date=dates.day(offset),
            title=title,
            description=description,
            participant_count=len(present) + 2,
            participants=present,
            campaign=campaign,
            today=dates.today,
        )
        for kind, offset, title, description in rows
    ]


GUIDED_ACTIVITY = (
    "党性分析交流会",
    "支部书记带头对照“五个模范”剖析自身，党员逐一发言，查找差距，明确整改措施。",
)


def build_guided_activity(campaign: Campaign, dates: DemoDates, cast: Cast):
    """Yesterday one of the neighbours the 党建工作指导员 guides recorded its 党性分析 meeting: new work for the
    instructor to read and remark on today (``zhidaoyuan``'s 我指导的组织)."""
    if not cast.guided:
        return None
    org, secretary = cast.guided[0]
    present = [m for m in Member.objects.filter(org=org).order_by("id") if m.category != MemberCategory.MOBILE]
    title, description = GUIDED_ACTIVITY
    return activities.create_activity(
        org,
        by=secretary,
        activity_type=ActivityType.PARTY_EDUCATION,
        date=dates.day(-1),
        title=title,
        description=description,
        participant_count=len(present),
        participants=present,
        campaign=campaign,
        today=dates.today,
    )


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
