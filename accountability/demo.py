"""The demo's 述职评议 and 一定三有, made through the services.

Called by ``manage.py demo_campaign`` (``demo.build``): 正定县's 组织部 sets three 一定三有 items for its villages
(marked as demo items: the seed names the mechanism, not its items); 塔元庄村 has one in place, one under way and
one not started; a few other villages of the county have recorded theirs; the branch's secretary has submitted
this year's 述职, which waits for the county's 评议, and one neighbouring branch's 述职 is rated already. Not tied
to a campaign: made once and kept when the demo is rebuilt for another day (this year's 述职 once per year).
"""

import datetime

from orgs.models import Org, User

from . import queries, services
from .models import DutyRating, DutyReport, MeasureItem, MeasureStatus, VillageMeasure

NOTE = "（演示条目：由县委组织部按本地实际设定）"
ITEMS = [
    ("定岗定责", "村“两委”干部和农村党员按岗位明确职责，张榜公开，接受群众监督。" + NOTE),
    ("有活动场所", "村级组织活动场所达到县定标准，挂牌使用，党员活动和便民服务有固定地点。" + NOTE),
    ("有工作经费", "村级组织办公经费和党员活动经费列入乡镇预算，按季度拨付到位。" + NOTE),
]
BRANCH_STATES = [
    (MeasureStatus.DONE, "两委干部5人、党员18人已逐人定岗定责，岗位职责在村务公开栏张榜公示。"),
    (MeasureStatus.PROGRESS, "村委会一楼改建为党员活动室，正在配置桌椅和电教设备，预计下月挂牌。"),
]
REPORT = (
    "一、履行抓基层党建第一责任人职责情况：全年召开支部党员大会6次、组织生活会2次，开展“三级联创”，"
    "党员设岗定责全覆盖。\n二、服务群众情况：建立村群众工作站，党员轮流值班，联系户每月走访一次。\n"
    "三、存在的问题：党员年龄偏大，发展年轻党员不够。\n四、下一步打算：培养入党积极分子3名，办好党员活动室。"
)
NEIGHBOUR_REPORT = "全年按“三会一课”制度开展组织生活；带领群众发展设施蔬菜；问题是党员活动阵地偏小。"
NEIGHBOUR_VILLAGES = 4


def build_demo(
    *,
    branch: Org,
    secretary: User,
    county: Org,
    county_department: User,
    neighbours=(),
    today: datetime.date,
) -> None:
    items = _items(county, county_department)
    if not VillageMeasure.objects.filter(village=branch).exists():
        for item, (status, evidence) in zip(items, BRANCH_STATES, strict=False):
            services.record_measure(branch, item, by=secretary, status=status, evidence=evidence)
    _neighbour_villages(branch, county, county_department, items)
    if not DutyReport.objects.filter(org=branch, year=today.year).exists():
        duty = services.start_duty_report(branch, by=secretary, year=today.year, report=REPORT, today=today)
        services.save_duty_report(duty, by=secretary, report=REPORT, submit=True)
    _rated_neighbour(neighbours, county_department, today)


def _items(county: Org, by: User) -> list[MeasureItem]:
    items = []
    for order, (title, description) in enumerate(ITEMS, start=1):
        item = MeasureItem.objects.filter(scope=county, title=title).first()
        if item is None:
            item = services.define_item(county, by=by, title=title, description=description, order=order)
        items.append(item)
    return items


def _neighbour_villages(branch: Org, county: Org, by: User, items: list[MeasureItem]) -> None:
    """A few other villages of the county with mixed states, recorded by the county's 组织部."""
    others = list(
        queries.villages(Org.objects.filter(path__startswith=county.path))
        .exclude(pk=branch.pk)
        .order_by("path")[:NEIGHBOUR_VILLAGES]
    )
    patterns = [
        (MeasureStatus.DONE, MeasureStatus.DONE, MeasureStatus.DONE),
        (MeasureStatus.DONE, MeasureStatus.PROGRESS),
        (MeasureStatus.PROGRESS,),
        (),
    ]
    for village, pattern in zip(others, patterns, strict=False):
        if VillageMeasure.objects.filter(village=village).exists():
            continue
        for item, status in zip(items, pattern, strict=False):
            evidence = "经乡镇党委核实，已按标准落实。" if status == MeasureStatus.DONE else "正在落实。"
            services.record_measure(village, item, by=by, status=status, evidence=evidence)


def _rated_neighbour(neighbours, county_department: User, today: datetime.date) -> None:
    """The first neighbouring basic organization's 述职 of this year, submitted and rated 较好 by the county."""
    for org, secretary in list(neighbours)[:1]:
        if DutyReport.objects.filter(org=org, year=today.year).exists():
            continue
        duty = services.start_duty_report(org, by=secretary, year=today.year, report=NEIGHBOUR_REPORT, today=today)
        duty = services.save_duty_report(duty, by=secretary, report=NEIGHBOUR_REPORT, submit=True)
        services.rate_duty_report(
            duty, by=county_department, rating=DutyRating.FAIR, comments="组织生活规范，建议加强活动阵地建设。"
        )
