"""The commendation part of the demo: a province round open for nominations with quotas handed down to the
townships, and a county round whose 公示 runs today — both through the awards services, so the quota page never
shows a negative remainder and the 公示 shows only nominees that went up level by level.

"评选表彰对象要注重工作实绩和社会公认度，采取自下而上、层层推荐的方式产生。" (seed, part 四 (二));
"2011年“七一”前，省、市、县(市、区)各级党委对先进基层党组织、优秀共产党员和优秀党务工作者进行一次集中表彰。"
"""

import datetime

from awards.enums import CategoryCode, RoundKind
from awards.models import AwardCategory, AwardRound, CalendarDay, HolidayYear, Nomination
from awards.seed import load_seed_calendar, load_seed_rounds
from awards.services import nominations, publicity, quotas, rounds
from awards.services.holidays import assume_year
from awards.services.workdays import loaded_years
from campaign.models import Campaign
from common.actors import SYSTEM
from orgs.enums import MemberCategory, MemberStatus, OrgLevel
from orgs.models import Member, Org

from . import codes
from .dates import DemoDates
from .people import Cast

OBJECTION_CONTACT = "正定县委组织部（演示），电话 0311-88000000，来信来电请署真实姓名和联系电话"
# Own quota of the province and what goes down the chain, per category.
PROVINCE_QUOTA = {CategoryCode.ADVANCED_ORG: 30, CategoryCode.EXCELLENT_MEMBER: 30, CategoryCode.EXCELLENT_WORKER: 10}
CITY_QUOTA = {CategoryCode.ADVANCED_ORG: 8, CategoryCode.EXCELLENT_MEMBER: 8, CategoryCode.EXCELLENT_WORKER: 3}
COUNTY_QUOTA = {CategoryCode.ADVANCED_ORG: 3, CategoryCode.EXCELLENT_MEMBER: 3, CategoryCode.EXCELLENT_WORKER: 1}
# The county's own round: its quota and how much each township gets.
COUNTY_ROUND_QUOTA = {CategoryCode.ADVANCED_ORG: 2, CategoryCode.EXCELLENT_MEMBER: 3, CategoryCode.EXCELLENT_WORKER: 1}
DEEDS = {
    CategoryCode.ADVANCED_ORG: "支部班子团结，带领群众发展大棚蔬菜，村集体收入两年翻番；党员设岗定责全覆盖。",
    CategoryCode.EXCELLENT_MEMBER: "带头发展特色种植，结对帮扶困难户五户，抗旱中组织党员突击队连续奋战十天。",
    CategoryCode.EXCELLENT_WORKER: "担任支部书记八年，建立党员联系户、民情日记等制度，支部连续三年被评为先进。",
}


# The 公示 of the county round lies within this many days of today, on either side.
PUBLICITY_REACH = datetime.timedelta(days=20)


def load_seed() -> None:
    """The seed's 2011/2012 rounds (they need the province, so they come after ``load_demo``) and the
    State Council's holiday schedules the seed calendar carries. Idempotent."""
    load_seed_calendar(CalendarDay, HolidayYear)
    load_seed_rounds(AwardRound, AwardCategory, Org, Campaign)


def assume_missing_years(dates: DemoDates) -> list[int]:
    """Years around today whose holiday schedule has not been published get a Monday–Friday schedule
    marked as assumed ("推定，仅供演示"), so that the demo's 公示 can be counted; the years with a real
    schedule are left alone. Returns the years assumed."""
    first, last = (dates.today - PUBLICITY_REACH).year, (dates.today + PUBLICITY_REACH).year
    missing = sorted(set(range(first, last + 1)) - loaded_years(first, last))
    for year in missing:
        assume_year(year, by=SYSTEM)
    return missing


def _categories(award_round: AwardRound) -> dict[str, AwardCategory]:
    return {c.code: c for c in award_round.categories.all()}


def _spread(award_round: AwardRound, totals: dict[str, int], orgs: list[Org]) -> dict[tuple[int, int], int]:
    """Each category's total handed out over ``orgs`` as evenly as it goes, the first ones getting the rest
    (3 over three townships: 1, 1, 1; 2: 1, 1, 0)."""
    categories = _categories(award_round)
    cells = {}
    for code, total in totals.items():
        for n, org in enumerate(orgs):
            share = total // len(orgs) + (1 if n < total % len(orgs) else 0)
            if share:
                cells[(org.pk, categories[code].pk)] = share
    return cells


def build_nomination_round(campaign, dates: DemoDates, cast: Cast) -> AwardRound:
    """The province's 七一 round, nominations open since three days; quotas handed down province → city →
    county → townships, each level by its own 组织部; one nomination already waits at the township."""
    award_round = rounds.create_round(
        by=cast.province_department,
        owner_org=cast.province,
        code=codes.NOMINATION_ROUND,
        kind=RoundKind.CONCENTRATED,
        name="演示：七一集中表彰",
        campaign=campaign,
        nomination_opens=dates.day(-3),
        nomination_closes=dates.day(14),
        review_closes=dates.day(30),
        publicity_starts=dates.day(31),
        decision_date=dates.day(50),
        objection_contact="省委组织部（演示）",
    )
    categories = _categories(award_round)
    quotas.set_owner_quota(
        award_round, {categories[c].pk: n for c, n in PROVINCE_QUOTA.items()}, by=cast.province_department
    )
    quotas.allocate(
        award_round, cast.province, _spread(award_round, CITY_QUOTA, [cast.city]), by=cast.province_department
    )
    quotas.allocate(award_round, cast.city, _spread(award_round, COUNTY_QUOTA, [cast.county]), by=cast.city_department)
    townships = [cast.township, *cast.other_townships()]
    quotas.allocate(award_round, cast.county, _spread(award_round, COUNTY_QUOTA, townships), by=cast.county_department)
    nominee = cast.members[1]
    nominations.nominate(
        award_round,
        categories[CategoryCode.EXCELLENT_MEMBER],
        nominating_org=cast.branch,
        nominee=nominee,
        deeds=DEEDS[CategoryCode.EXCELLENT_MEMBER],
        by=cast.secretary,
        today=dates.day(-1),
    )
    return award_round


def publicity_start(dates: DemoDates):
    """The 公示 began on the last working day before today (so today is inside its 5 working days)."""
    return dates.last_working_day_before()


def build_publicity_round(campaign, dates: DemoDates, cast: Cast) -> AwardRound:
    """正定县委's own 七一 commendation: nominated a month ago, forwarded by the townships and the county, the
    纪检 opinion recorded, 公示 running since the last working day, one objection waiting to be handled."""
    starts = publicity_start(dates)
    county_user = cast.county_department
    award_round = rounds.create_round(
        by=county_user,
        owner_org=cast.county,
        code=codes.PUBLICITY_ROUND,
        kind=RoundKind.CONCENTRATED,
        name="正定县创先争优活动集中表彰（演示）",
        campaign=campaign,
        nomination_opens=dates.day(-40),
        nomination_closes=dates.day(-26),
        review_closes=min(dates.day(-14), starts),
        publicity_starts=starts,
        decision_date=dates.day(21),
        objection_contact=OBJECTION_CONTACT,
    )
    categories = _categories(award_round)
    quotas.set_owner_quota(award_round, {categories[c].pk: n for c, n in COUNTY_ROUND_QUOTA.items()}, by=county_user)
    townships = [cast.township, *cast.other_townships()]
    quotas.allocate(award_round, cast.county, _spread(award_round, COUNTY_ROUND_QUOTA, townships), by=county_user)

    neighbour = _neighbour_branch(cast)
    entries = [
        (CategoryCode.ADVANCED_ORG, cast.branch, cast.branch, cast.secretary),
        (CategoryCode.EXCELLENT_WORKER, cast.branch, cast.members[0], cast.secretary),
    ]
    if neighbour is not None:
        member = _full_member(neighbour)
        if member is not None:
            entries.append((CategoryCode.EXCELLENT_MEMBER, neighbour, member, county_user))
    made = [
        nominations.nominate(
            award_round,
            categories[code],
            nominating_org=org,
            nominee=nominee,
            deeds=DEEDS[code],
            by=user,
            today=dates.day(-35),
        )
        for code, org, nominee, user in entries
    ]
    for day in (dates.day(-24), dates.day(-18)):  # the township, then the county (the owner: onto the list)
        for n in made:
            nominations.forward(n, by=county_user, note="经审核，同意上报。", today=day)
    for n in made:
        nominations.record_discipline(
            n, by=county_user, result=Nomination.Discipline.CLEAR, note="", date=dates.day(-16)
        )
    publicity.start_publicity(award_round, by=county_user, today=starts)
    shown = Nomination.objects.filter(award_round=award_round, status=Nomination.Status.PUBLICITY).order_by("id")
    publicity.file_objection(
        shown.last(),
        content="反映该同志去年曾因宅基地纠纷与邻居发生争执，请组织核实。",
        name="王建华",
        phone="13803110000",
        today=dates.today,
    )
    award_round.refresh_from_db()
    return award_round


def _neighbour_branch(cast: Cast) -> Org | None:
    """A basic organization of another township of the county (its member is nominated by the county)."""
    for township in cast.other_townships():
        found = (
            Org.objects.filter(path__startswith=township.path, level=OrgLevel.BASIC, active=True)
            .order_by("path")
            .first()
        )
        if found is not None:
            return found
    return None


def _full_member(org: Org) -> Member | None:
    """A full (not probationary) member of ``org``: "预备党员不能推荐为优秀共产党员"."""
    return (
        Member.objects.filter(org=org, status=MemberStatus.FULL)
        .exclude(category=MemberCategory.RETIRED)
        .order_by("id")
        .first()
    )
