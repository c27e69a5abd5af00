"""The seed's two commendations as data, and the 2010—2012 holiday calendar.

"2011年“七一”前，省、市、县(市、区)各级党委对先进基层党组织、优秀共产党员和优秀党务工作者进行一次集中表彰。
基层党组织也要采取适当方式对优秀共产党员进行表彰奖励。评选表彰对象要注重工作实绩和社会公认度，
采取自下而上、层层推荐的方式产生。" (seed, part 四 (二))
"2012年“七一”前，省委将专项表彰“2010—2012年创先争优活动”先进基层党组织、优秀共产党员，以及抓创先争优
活动成绩显著的先进县(市、区)委。" (seed, part 四 (四))

The windows are those a province would set for a commendation before 1 July; the loaders take model
classes (real or historical) so that a data migration can call them.
"""

import datetime

D = datetime.date
PROVINCE_CODE = "130000"
CAMPAIGN_CODE = "cxzy-2010"
OBJECTION_CONTACT = "河北省创先争优活动领导小组办公室（设在省委组织部），来信来电请署真实姓名和联系电话"

# (code, nominee kind, order)
BASIC_CATEGORIES = [
    ("advanced_org", "org", 1),
    ("excellent_member", "member", 2),
    ("excellent_worker", "member", 3),
]

SEED_ROUNDS = [
    {
        "code": "2011-qiyi",
        "name": "2011年“七一”创先争优活动集中表彰",
        "kind": "concentrated",
        "nomination_opens": D(2011, 4, 11),
        "nomination_closes": D(2011, 5, 13),
        "review_closes": D(2011, 5, 31),
        "publicity_starts": D(2011, 6, 1),  # 5 working days over 端午节 (4–6 June): ends 8 June
        "publicity_working_days": 5,
        "decision_date": D(2011, 6, 24),
        "categories": BASIC_CATEGORIES,
    },
    {
        "code": "2012-qiyi",
        "name": "2012年“七一”创先争优活动专项表彰",
        "kind": "special",
        "nomination_opens": D(2012, 4, 9),
        "nomination_closes": D(2012, 5, 11),
        "review_closes": D(2012, 5, 31),
        "publicity_starts": D(2012, 6, 4),
        "publicity_working_days": 5,
        "decision_date": D(2012, 6, 26),
        # The issue adds 优秀党务工作者 to the seed's two; "以及抓创先争优活动成绩显著的先进县(市、区)委":
        # nominees of that category are county-level committees.
        "categories": [*BASIC_CATEGORIES, ("advanced_county", "org", 4)],
    },
]

# The 国务院办公厅 holiday notices of 2010, 2011 and 2012: (first day, last day, name) of each
# holiday, and the weekend days worked instead (调休).
HOLIDAYS = [
    (D(2010, 1, 1), D(2010, 1, 3), "元旦"),
    (D(2010, 2, 13), D(2010, 2, 19), "春节"),
    (D(2010, 4, 3), D(2010, 4, 5), "清明节"),
    (D(2010, 5, 1), D(2010, 5, 3), "劳动节"),
    (D(2010, 6, 14), D(2010, 6, 16), "端午节"),
    (D(2010, 9, 22), D(2010, 9, 24), "中秋节"),
    (D(2010, 10, 1), D(2010, 10, 7), "国庆节"),
    (D(2011, 1, 1), D(2011, 1, 3), "元旦"),
    (D(2011, 2, 2), D(2011, 2, 8), "春节"),
    (D(2011, 4, 3), D(2011, 4, 5), "清明节"),
    (D(2011, 4, 30), D(2011, 5, 2), "劳动节"),
    (D(2011, 6, 4), D(2011, 6, 6), "端午节"),
    (D(2011, 9, 10), D(2011, 9, 12), "中秋节"),
    (D(2011, 10, 1), D(2011, 10, 7), "国庆节"),
    (D(2012, 1, 1), D(2012, 1, 3), "元旦"),
    (D(2012, 1, 22), D(2012, 1, 28), "春节"),
    (D(2012, 4, 2), D(2012, 4, 4), "清明节"),
    (D(2012, 4, 29), D(2012, 5, 1), "劳动节"),
    (D(2012, 6, 22), D(2012, 6, 24), "端午节"),
    (D(2012, 9, 30), D(2012, 10, 7), "中秋节、国庆节"),
]
ADJUSTED_WORKDAYS = [
    (D(2010, 2, 20), "春节调休上班"),
    (D(2010, 2, 21), "春节调休上班"),
    (D(2010, 6, 12), "端午节调休上班"),
    (D(2010, 6, 13), "端午节调休上班"),
    (D(2010, 9, 19), "中秋节调休上班"),
    (D(2010, 9, 25), "中秋节调休上班"),
    (D(2010, 9, 26), "国庆节调休上班"),
    (D(2010, 10, 9), "国庆节调休上班"),
    (D(2011, 1, 30), "春节调休上班"),
    (D(2011, 2, 12), "春节调休上班"),
    (D(2011, 4, 2), "清明节调休上班"),
    (D(2011, 10, 8), "国庆节调休上班"),
    (D(2011, 10, 9), "国庆节调休上班"),
    (D(2011, 12, 31), "元旦调休上班"),
    (D(2012, 1, 21), "春节调休上班"),
    (D(2012, 1, 29), "春节调休上班"),
    (D(2012, 3, 31), "清明节调休上班"),
    (D(2012, 4, 1), "清明节调休上班"),
    (D(2012, 4, 28), "劳动节调休上班"),
    (D(2012, 9, 29), "国庆节调休上班"),
]


def calendar_rows() -> list[tuple[datetime.date, bool, str]]:
    """(date, is_workday, name) for every holiday day and every 调休 working day."""
    rows = []
    for first, last, name in HOLIDAYS:
        day = first
        while day <= last:
            rows.append((day, False, name))
            day += datetime.timedelta(days=1)
    rows += [(day, True, name) for day, name in ADJUSTED_WORKDAYS]
    return sorted(rows)


def load_seed_calendar(CalendarDay):  # noqa: N803  (historical models are passed in by migrations)
    """Enter the 2010—2012 holidays and 调休 days. Idempotent (existing dates are left as they are)."""
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, is_workday=workday, name=name)
        for day, workday, name in calendar_rows()
        if day not in existing
    )


def load_seed_rounds(AwardRound, AwardCategory, Org, Campaign):  # noqa: N803  (historical models from migrations)
    """Create the 2011 and 2012 rounds with their categories, owned by the province (code 130000).

    Without the province node nothing is created (an empty database gets the rounds when its tree
    is imported and this runs again). Idempotent: existing rounds are left as they are.
    """
    province = Org.objects.filter(code=PROVINCE_CODE).first()
    if province is None:
        return []
    campaign = Campaign.objects.filter(code=CAMPAIGN_CODE).first()
    rounds = []
    for data in SEED_ROUNDS:
        fields = {k: v for k, v in data.items() if k not in ("code", "categories")}
        award_round, created = AwardRound.objects.get_or_create(
            code=data["code"],
            defaults={
                **fields,
                "owner_org": province,
                "campaign": campaign,
                "objection_contact": OBJECTION_CONTACT,
                "objection_requires_identity": True,
            },
        )
        if created:
            for code, nominee_kind, order in data["categories"]:
                AwardCategory.objects.create(award_round=award_round, code=code, nominee_kind=nominee_kind, order=order)
        rounds.append(award_round)
    return rounds
