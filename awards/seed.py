"""The seed's two commendations as data, and the State Council's holiday calendar (chinese-calendar).

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


def load_seed_calendar(CalendarDay, HolidayYear=None):  # noqa: N803  (historical models are passed in by migrations)
    """Enter the State Council's holiday schedules of 2004—2026 from chinese-calendar (the campaign's
    2010—2012 among them). Idempotent (existing dates and years are left as they are).

    The years are marked as loaded too (awards.services.workdays needs both): called with the current
    ``CalendarDay`` the current ``HolidayYear`` is used; the migration that ran before that model existed
    passes its historical ``CalendarDay`` alone and only the days are entered."""
    from .holiday_data import LIBRARY_YEARS, library_rows, load_library_years
    from .models import CalendarDay as CurrentCalendarDay

    if HolidayYear is None and CalendarDay is CurrentCalendarDay:
        from .models import HolidayYear
    if HolidayYear is None:
        existing = set(CalendarDay.objects.values_list("date", flat=True))
        CalendarDay.objects.bulk_create(
            CalendarDay(date=day, is_workday=workday, name=name)
            for day, workday, name in library_rows(LIBRARY_YEARS)
            if day not in existing
        )
        return
    load_library_years(HolidayYear, CalendarDay, LIBRARY_YEARS)


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
