"""The demo branch's 群众工作站 with two visits (one settled, one still open), made through the services.

Called by ``manage.py demo_campaign`` (``demo.build``). The register is not tied to a campaign: the station is made
once, by the branch's secretary, and kept when the demo is rebuilt for another day, like the people.
"""

import datetime

from orgs.models import Member, Org, User

from .models import Station, VisitTopic
from .services import stations as services

STATION = {
    "name": "塔元庄村群众工作站",
    "address": "塔元庄村村委会一楼便民服务室",
    "opening_hours": "每周一至周五 8:30—17:30，农忙时节周末有人值班",
    "phone": "0311-88012345",
    "duty_others": "村委会委员 刘桂兰 13931100601",
}


def build_demo(branch: Org, *, by: User, today: datetime.date) -> Station:
    """The station of ``branch`` (two of its members on duty) and two visits; nothing when it exists already."""
    station = Station.objects.filter(org=branch, name=STATION["name"]).first()
    if station is not None:
        return station
    members = list(Member.objects.filter(org=branch).order_by("id")[:2])
    station = services.create_station(branch, by=by, duty_members=members, **STATION)
    settled = services.record_visit(
        station,
        by=by,
        today=today,
        visited_on=today - datetime.timedelta(days=6),
        visitor_name="村民张某",
        topic=VisitTopic.TECHNIQUE,
        request="大棚黄瓜叶片发黄，想请技术员来看看。",
        handled_by=members[0] if members else None,
        handler_name="" if members else "村委会",
    )
    services.close_visit(
        settled,
        by=by,
        today=today,
        closed_on=today - datetime.timedelta(days=4),
        action="联系县农业技术推广站技术员到大棚查看，确诊为霜霉病，已指导用药，三天后回访病情已控制。",
    )
    services.record_visit(
        station,
        by=by,
        today=today,
        visited_on=today - datetime.timedelta(days=1),
        topic=VisitTopic.POLICY,
        request="咨询新型农村合作医疗住院报销需要哪些材料、到哪里办。",
        handled_by=members[-1] if members else None,
        handler_name="" if members else "村委会",
    )
    return station
