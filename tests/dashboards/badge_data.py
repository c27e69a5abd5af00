"""亮牌示范 data for the dashboard data set: register entries of every kind and 佩戴党徽 records in three cities,
dated around the snapshot day so that a leak, a double count or a wrong day would show.

Written straight to the database (states for tests, like tests/factories/dashboards.py), so it also holds rows
the services would refuse: an entry and a record of an inactive organization, a 佩戴党徽 record of a township
committee (only basic organizations record it), a month after the snapshot day.

Counted by hand (snapshot day D, its month M0, the two months before M1 and M2, the month after M+1):

| node | 示范户 | 先锋岗 | 责任区 | 示范岗位 | 佩戴党徽: organizations, wearing / counted |
|---|---|---|---|---|---|
| province | 3 | 2 | 3 | 4 | 6, 14 / 22 |
| 石家庄 city_a | 1 | 1 | 1 | 2 | 2, 5 / 8 |
| 唐山 city_b | 1 | 1 | 0 | 1 | 2, 3 / 6 |
| 邯郸 city_c | 1 | 0 | 2 | 1 | 2, 6 / 8 |
| province, 中小学 | 0 | 1 | 0 | 2 | 4, 5 / 11 |
"""

import datetime

from campaign.models import BadgeEntry, BadgeKind, BadgeWearing
from orgs.models import Member

DAY = datetime.timedelta(days=1)
K = BadgeKind


def month_before(month: datetime.date) -> datetime.date:
    return (month - DAY).replace(day=1)


def add_badges(dash):
    d = dash.as_of
    m0 = d.replace(day=1)
    m1 = month_before(m0)
    m2 = month_before(m1)
    m_next = (m0 + 32 * DAY).replace(day=1)
    ma, mb, mc = dash.members[dash.branch_a], dash.members[dash.branch_b], dash.members[dash.c_rural]
    gone = Member.objects.filter(org=dash.inactive).first()

    def entry(kind, org, *, member=None, post="", start, end=None):
        BadgeEntry.objects.create(
            kind=kind, member=member, post_name=post, org=org, org_path=org.path, org_sector=org.sector,
            place="村委会", start_date=start, end_date=end,
        )  # fmt: skip

    # 石家庄
    entry(K.DEMO_HOUSEHOLD, dash.branch_a, member=ma[0], start=d - 30 * DAY)  # no end: current
    entry(K.VANGUARD_POST, dash.branch_a, member=ma[1], start=d - 60 * DAY, end=d)  # ends on the day: current
    entry(K.VANGUARD_POST, dash.branch_a, member=ma[2], start=d - 60 * DAY, end=d - DAY)  # ended the day before
    entry(K.RESPONSIBILITY_AREA, dash.branch_a, member=ma[3], start=d)  # starts on the day: current
    a2 = dash.members[dash.branch_a2][0]
    entry(K.RESPONSIBILITY_AREA, dash.branch_a2, member=a2, start=d + DAY)  # starts the day after
    entry(K.MODEL_POST, dash.town_a, post="便民服务窗口", start=d - 10 * DAY)  # set by a township committee
    entry(K.MODEL_POST, dash.branch_a3, post="生产标兵岗", start=d - 10 * DAY)
    entry(K.VANGUARD_POST, dash.inactive, member=gone, start=d - 10 * DAY)  # an inactive organization
    # 唐山: a 党总支 (basic) and its branch
    entry(K.DEMO_HOUSEHOLD, dash.branch_b, member=mb[0], start=d - 90 * DAY)
    entry(K.DEMO_HOUSEHOLD, dash.branch_b, member=mb[1], start=d - 100 * DAY, end=d - 50 * DAY)  # ended
    entry(K.MODEL_POST, dash.general, post="教学示范岗", start=d - 20 * DAY, end=d + 30 * DAY)
    entry(K.VANGUARD_POST, dash.general_child, member=dash.members[dash.general_child][0], start=d - 5 * DAY)
    # 邯郸
    entry(K.RESPONSIBILITY_AREA, dash.c_rural, member=mc[0], start=d - 40 * DAY)
    entry(K.RESPONSIBILITY_AREA, dash.c_rural, member=mc[1], start=d - 40 * DAY)
    entry(K.DEMO_HOUSEHOLD, dash.c_rural, member=mc[2], start=d - 40 * DAY)
    entry(K.MODEL_POST, dash.c_school, member=dash.members[dash.c_school][0], start=d - 40 * DAY)

    def wore(org, month, wearing, total):
        BadgeWearing.objects.create(
            org=org, org_path=org.path, org_sector=org.sector, month=month, wearing=wearing, total=total
        )

    wore(dash.branch_a, m1, 3, 5)
    wore(dash.branch_a, m0, 4, 5)  # the month of the snapshot day: the latest
    wore(dash.branch_a, m_next, 5, 5)  # after the snapshot day
    wore(dash.branch_a2, m2, 1, 3)  # recorded once, two months ago: still its latest
    wore(dash.branch_b, m_next, 3, 3)  # only after the snapshot day: not recorded yet
    wore(dash.general, m0, 2, 4)  # the 党总支 records for itself …
    wore(dash.general_child, m1, 1, 2)  # … and its branch for itself: both count, once each
    wore(dash.c_rural, m1, 2, 6)
    wore(dash.c_rural, m0, 5, 6)
    wore(dash.c_school, m0, 1, 2)
    wore(dash.inactive, m0, 1, 1)  # an inactive organization
    wore(dash.town_a, m0, 10, 20)  # a township committee: not a basic organization
