"""Criteria sets in the seed's own words (part 二) and the national 五带头 wording."""

FIVE_GOOD = {
    "code": "five-good",
    "name": "五个好先进基层党组织",
    "target": "org",
    "description": (
        "先进基层党组织的基本要求是，学习型党组织建设成效明显，出色完成党章规定的基本任务，努力做到“五个好”。"
    ),
    "criteria": [
        ("领导班子好", "深入学习实践科学发展观，团结协作，求真务实，勤政廉洁，有较强的凝聚力和战斗力。"),
        ("党员队伍好", "党员素质优良，有较强的党员意识，能够充分发挥先锋模范作用。"),
        ("工作机制好", "规章制度完善，管理措施到位，工作运行有序。"),
        ("工作业绩好", "本单位各项工作成绩显著，围绕中心、服务大局的成效明显。"),
        ("群众反映好", "基层党组织在群众中有较高威信，党员在群众中有良好形象。"),
    ],
}

FIVE_MODELS = {
    "code": "five-models",
    "name": "五个模范优秀共产党员",
    "target": "member",
    "description": "优秀共产党员的基本要求是，模范履行党章规定的义务，努力争当“五个模范”。",
    "criteria": [
        ("自觉学习的模范", "认真学习实践科学发展观，学习新知识、新技能，不断提升党性、提高素质。"),
        ("执行政策的模范", "积极响应党组织号召，坚决把党组织要求和各项规定落到实处。"),
        ("服务群众的模范", "主动联系群众，积极为群众解难题、办实事，自觉维护群众正当权益。"),
        ("爱岗敬业的模范", "在本职岗位上埋头苦干、开拓创新、无私奉献，带头争创佳绩。"),
        ("遵纪守法的模范", "自觉遵守党的纪律，模范遵守国家法律法规，带头弘扬正气、维护稳定，争当文明守法好公民。"),
    ],
}

# 中办发〔2010〕12号 (the national opinion): 优秀共产党员 “五带头”.
FIVE_LEADS = {
    "code": "five-leads",
    "name": "五带头优秀共产党员（全国）",
    "target": "member",
    "description": "中共中央办公厅转发《关于在党的基层组织和党员中深入开展创先争优活动的意见》提出的“五带头”要求。",
    "criteria": [
        (
            "带头学习提高",
            "认真学习马克思列宁主义、毛泽东思想和中国特色社会主义理论体系，学习新知识、新技能，不断提升党性修养，提高素质能力。",
        ),
        (
            "带头争创佳绩",
            "积极投身推动科学发展、促进社会和谐的实践，在本职岗位上埋头苦干、开拓创新、无私奉献，创造一流业绩。",
        ),
        ("带头服务群众", "主动联系群众，积极为群众解难题、办实事，自觉维护群众正当权益。"),
        ("带头遵纪守法", "自觉遵守党的纪律，模范遵守国家法律法规，严守秘密，廉洁自律。"),
        ("带头弘扬正气", "发扬社会主义新风尚，提倡社会主义荣辱观，敢于同不良风气、违纪违法行为作斗争。"),
    ],
}

SEED_SETS = [FIVE_GOOD, FIVE_MODELS, FIVE_LEADS]


def load_seed_criteria(CriteriaSet, Criterion):  # noqa: N803  (historical models are passed in by migrations)
    """Create the three province-wide sets (equal weights, default levels). Idempotent."""
    from .enums import DEFAULT_LEVELS

    for data in SEED_SETS:
        criteria_set, created = CriteriaSet.objects.get_or_create(
            code=data["code"],
            owner_org=None,
            period=None,
            defaults={
                "name": data["name"],
                "target": data["target"],
                "description": data["description"],
                "levels": [dict(level) for level in DEFAULT_LEVELS],
            },
        )
        if created:
            for order, (name, description) in enumerate(data["criteria"], start=1):
                Criterion.objects.create(
                    criteria_set=criteria_set, order=order, name=name, description=description, weight=1
                )
