"""The smaller registers: the branch's rating of a member and its 亮牌示范 entries.

"考核评议。上级党组织要对基层党组织、基层党组织对党员开展创先争优活动情况进行考核" (seed, part 四 (四));
"“亮牌示范”活动。通过佩戴党徽、党员示范户、党员先锋岗、党员责任区等形式，把党员身份亮出来" (seed, part 四 (二) 4).

The rating belongs to the demo period and is rebuilt with it. The 亮牌 register is not tied to a campaign: its
entries are made once (when the member holds no entry of that kind yet) and kept, like the people; the 佩戴党徽
figure of last month is recorded again (a second recording of a month corrects it).
"""

import datetime

from campaign.models import BadgeEntry, BadgeKind
from campaign.services import badges
from evaluations.enums import MemberRatingLevel
from evaluations.models import Period
from evaluations.services import ratings
from orgs.enums import MemberCategory

from .dates import DemoDates
from .people import Cast

RATING_REASON = "党性分析报告审阅通过；带头发展特色种植，结对帮扶困难户，群众反映好。"
BADGES = [
    # (member index in the branch, kind, place, description)
    (1, BadgeKind.DEMO_HOUSEHOLD, "塔元庄村三组", "门前挂“党员示范户”牌，带头试种大棚蔬菜，向邻里传授技术。"),
    (0, BadgeKind.RESPONSIBILITY_AREA, "塔元庄村主街道及东片 32 户", "负责责任区内矛盾调解和环境卫生。"),
]


def build_rating(period: Period, cast: Cast) -> None:
    """The secretary rates ``dangyuan2`` (the branch's second member) 优秀 for the demo period, with the
    reason the rules ask for."""
    ratings.rate_member(
        cast.members[1], period, by=cast.secretary, level=MemberRatingLevel.EXCELLENT, reason=RATING_REASON
    )


def build_badges(dates: DemoDates, cast: Cast) -> None:
    """Two 亮牌 entries of the branch's members, and last month's 佩戴党徽 figure."""
    for index, kind, place, description in BADGES:
        member = cast.members[index]
        if BadgeEntry.objects.filter(member=member, kind=kind).exists():
            continue
        badges.create_entry(
            cast.branch,
            by=cast.secretary,
            kind=kind,
            member=member,
            place=place,
            description=description,
            start_date=dates.campaign_start + datetime.timedelta(days=70),
            today=dates.today,
        )
    last_month = dates.today.replace(day=1) - datetime.timedelta(days=1)
    away = sum(m.category == MemberCategory.MOBILE for m in cast.members)
    badges.record_wearing(
        cast.branch,
        by=cast.secretary,
        month=last_month,
        wearing=len(cast.members) - away,
        total=len(cast.members),
        note="流动党员在外务工，未计入佩戴人数" if away else "",
        today=dates.today,
    )
