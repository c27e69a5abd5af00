"""群众工作站 data for the dashboard data set (tests/factories/dashboards.py) and its independent count.

Written straight to the database (states for tests), so it also holds rows the services would refuse: a station of
an inactive organization, visits outside the window (before the campaign's start, after the snapshot day), a visit
closed after the snapshot day.

Counted by hand (window: campaign start … snapshot day D):

| node | stations open | visits | closed by D |
|---|---|---|---|
| province | 3 | 6 | 2 |
| 石家庄 city_a | 1 | 4 | 1 |
| 唐山 city_b | 1 | 1 | 0 |
| 邯郸 city_c | 1 | 1 | 1 |
"""

import datetime

from masswork.models import Station, Visit, VisitStatus, VisitTopic

DAY = datetime.timedelta(days=1)


def add_stations(dash):
    d, start = dash.as_of, dash.campaign.start_date

    def station(org, name, active=True):
        return Station.objects.create(org=org, name=name, address="村委会", opening_hours="周一至周五", active=active)

    def visit(st, on, closed_on=None):
        status = VisitStatus.CLOSED if closed_on else VisitStatus.OPEN
        Visit.objects.create(
            station=st, visited_on=on, topic=VisitTopic.POLICY, request="咨询", handler_name="村委会",
            status=status, closed_on=closed_on, action="已答复" if closed_on else "",
        )  # fmt: skip

    a = station(dash.branch_a, "塔元庄村群众工作站")
    visit(a, d - 10 * DAY, closed_on=d - 5 * DAY)  # closed by D
    visit(a, d - 2 * DAY)  # open
    visit(a, start - DAY, closed_on=start)  # before the campaign's start: outside the window
    visit(a, d + DAY)  # after D
    visit(a, d - DAY, closed_on=d + DAY)  # closed after D: a visit, not closed yet on D
    old = station(dash.branch_a, "旧址工作站", active=False)  # closed station: not open, its visits count
    visit(old, d - 30 * DAY)
    b = station(dash.town_b, "滦州镇群众工作站")  # a township's station
    visit(b, d)
    c = station(dash.c_school, "学校服务站")
    visit(c, start, closed_on=d)
    gone = station(dash.inactive, "已撤销工作站")  # an inactive organization: never counted
    visit(gone, d - DAY, closed_on=d - DAY)


def stations_truth(campaign, orgs, *, as_of) -> dict:
    visits = [v for v in Visit.objects.filter(station__org__in=orgs) if campaign.start_date <= v.visited_on <= as_of]
    return {
        "stations_active": Station.objects.filter(org__in=orgs, active=True).count(),
        "station_visits": len(visits),
        "station_visits_closed": sum(1 for v in visits if v.status == "closed" and v.closed_on <= as_of),
    }
