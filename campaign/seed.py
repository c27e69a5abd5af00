"""The seed's campaign (2010—2012) as data: its four phases and dated milestones.

Source: 关于在河北省基层党组织和党员中深入开展创先争优活动的实施意见, part 四 (方法步骤).
"""

import datetime

D = datetime.date
PROVINCE, CITY, COUNTY, TOWNSHIP, BASIC = "province", "city", "county", "township", "basic"

SEED_CAMPAIGN = {
    "code": "cxzy-2010",
    "name": "2010—2012年创先争优活动",
    "start_date": D(2010, 4, 1),
    "end_date": D(2012, 11, 7),  # 党的十八大召开前 (opened 2012-11-08)
    "phases": [
        {
            "order": 1,
            "name": "广泛发动，安排部署",
            "start_date": D(2010, 4, 1),
            "end_date": D(2010, 5, 31),
            "description": "主要抓好三项工作：动员部署、制定方案、组织学习。",
            "milestones": [
                (
                    "mobilize",
                    "动员部署",
                    D(2010, 5, 31),
                    [PROVINCE, CITY, COUNTY],
                    "省、市、县(市、区)层层召开动员大会，进行安排部署，搞好宣传发动。",
                ),
                (
                    "plan",
                    "制定方案",
                    D(2010, 5, 31),
                    [BASIC],
                    "基层党组织要结合实际制定创先争优活动实施方案，对党组织和党员参加活动提出明确目标和具体要求。"
                    "要把学习实践活动整改落实后续工作纳入其中，并采取适当方式向群众公布，进行承诺，接受群众监督。",
                ),
                (
                    "study",
                    "组织学习",
                    D(2010, 5, 31),
                    [BASIC],
                    "基层党组织和广大党员认真学习胡锦涛总书记在全党深入学习实践科学发展观活动总结大会上的重要讲话和相关文件，"
                    "统一思想认识，积极投入到创先争优活动中来。",
                ),
                (
                    "report_upward",
                    "实施意见报省委组织部",
                    D(2010, 5, 31),
                    [CITY],
                    "各市、省直有关单位在本地本部门本系统开展创先争优活动实施意见制定后，请及时报省委组织部。",
                ),
            ],
        },
        {
            "order": 2,
            "name": "全面争创，扎实推进",
            "start_date": D(2010, 6, 1),
            "end_date": D(2011, 6, 30),
            "description": "按照实施方案开展创先争优活动，全省统一开展“五项活动”。",
            "milestones": [
                (
                    "party_analysis",
                    "党性分析",
                    D(2010, 6, 30),
                    [BASIC],
                    "基层党组织要在2010年“七一”前，集中一周时间，组织党员进行一次党性分析，在职党员应撰写党性分析报告，"
                    "并组织群众对党员进行评议。",
                    D(2010, 6, 24),
                ),
                (
                    "five_activities",
                    "五项活动",
                    D(2011, 6, 30),
                    [BASIC],
                    "全省统一开展“党性教育”“岗位奉献”“服务群众”“亮牌示范”“组织创新”五项活动。",
                ),
                (
                    "concentrated_commendation",
                    "集中表彰",
                    D(2011, 6, 30),
                    [PROVINCE, CITY, COUNTY],
                    "2011年“七一”前，省、市、县(市、区)各级党委对先进基层党组织、优秀共产党员和优秀党务工作者进行一次集中表彰。",
                ),
                (
                    "basic_commendation",
                    "基层表彰",
                    D(2011, 6, 30),
                    [BASIC],
                    "基层党组织也要采取适当方式对优秀共产党员进行表彰奖励。",
                ),
            ],
        },
        {
            "order": 3,
            "name": "对标定位，晋档升级",
            "start_date": D(2011, 7, 1),
            "end_date": D(2012, 6, 30),
            "description": "发挥先进典型示范带动作用，提升整体工作水平。",
            "milestones": [
                (
                    "exemplars",
                    "树立先进典型",
                    D(2012, 6, 30),
                    [PROVINCE, CITY, COUNTY],
                    "以受表彰的对象为重点，省、市、县(市、区)分别确定一批不同领域、不同行业、不同单位基层组织和党员队伍建设工作的示范点。",
                ),
                (
                    "benchmarking",
                    "搞好对标定位",
                    D(2012, 6, 30),
                    [BASIC],
                    "所有基层党组织和党员，都要对照本行业、本系统的先进典型，对照工作标准，查找自身差距，明确努力方向，"
                    "制定跟进、赶超的具体措施。",
                ),
                (
                    "tier_upgrade",
                    "实施晋档升级",
                    D(2012, 6, 30),
                    [BASIC],
                    "使处于先进的当好标杆、中间状态的规范提高、相对后进的改变面貌。",
                ),
                (
                    "special_commendation",
                    "专项表彰",
                    D(2012, 6, 30),
                    [PROVINCE],
                    "2012年“七一”前，省委将专项表彰“2010—2012年创先争优活动”先进基层党组织、优秀共产党员，"
                    "以及抓创先争优活动成绩显著的先进县(市、区)委。",
                ),
            ],
        },
        {
            "order": 4,
            "name": "系统总结，完善机制",
            "start_date": D(2012, 7, 1),
            "end_date": D(2012, 11, 7),
            "description": "围绕向党的十八大献礼，重点抓好展示成果、搞好总结、考核评议、完善机制四项工作。",
            "milestones": [
                (
                    "showcase",
                    "展示成果",
                    D(2012, 11, 7),
                    [PROVINCE, CITY, COUNTY],
                    "通过举办创先争优活动图片展、理论成果研讨会、编写丛书等多种形式，集中展示活动成果。",
                ),
                (
                    "summary",
                    "搞好总结",
                    D(2012, 11, 7),
                    [],
                    "各地各单位都要对开展创先争优活动进行系统总结，认真总结经验、查找不足，进一步研究制定改进措施。",
                ),
                (
                    "assessment",
                    "考核评议",
                    D(2012, 11, 7),
                    [BASIC],
                    "上级党组织要对基层党组织、基层党组织对党员开展创先争优活动情况进行考核，并采取适当方式组织党员、群众进行评议。",
                ),
                (
                    "mechanisms",
                    "完善机制",
                    D(2012, 11, 7),
                    [],
                    "对开展创先争优活动中行之有效的做法用制度的形式固定下来，形成创先争优的长效机制。",
                ),
            ],
        },
    ],
}


# Milestone fields beyond the rows above. "各市、省直有关单位……请及时报省委组织部" (seed, part 五):
# report_upward applies to the cities (level) and to the registered 省直 reporting bodies. Applied only when the
# (historical) model has the field: migration 0002 runs before it exists, and the migration adding it sets it on
# the rows already there.
MILESTONE_OPTIONS = {"report_upward": {"provincial_units": True}}


def milestone_options(Milestone, code: str) -> dict:  # noqa: N803  (historical models are passed in by migrations)
    names = {f.name for f in Milestone._meta.get_fields()}
    return {k: v for k, v in MILESTONE_OPTIONS.get(code, {}).items() if k in names}


def load_seed_campaign(Campaign, Phase, Milestone):  # noqa: N803  (historical models are passed in by migrations)
    """Create the seed campaign with the given model classes (real or historical). Idempotent."""
    data = SEED_CAMPAIGN
    campaign, created = Campaign.objects.get_or_create(
        code=data["code"],
        defaults={"name": data["name"], "start_date": data["start_date"], "end_date": data["end_date"]},
    )
    if not created:
        return campaign
    for p in data["phases"]:
        phase = Phase.objects.create(
            campaign=campaign,
            order=p["order"],
            name=p["name"],
            start_date=p["start_date"],
            end_date=p["end_date"],
            description=p["description"],
        )
        for order, row in enumerate(p["milestones"]):
            code, name, due, levels, description = row[:5]
            Milestone.objects.create(
                campaign=campaign,
                phase=phase,
                code=code,
                name=name,
                due_date=due,
                start_date=row[5] if len(row) > 5 else None,
                levels=levels,
                description=description,
                reminders=code != "five_activities",
                order=order,
                **milestone_options(Milestone, code),
            )
    return campaign
