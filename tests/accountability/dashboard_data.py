"""述职评议 and 一定三有 data for the dashboard data set (tests/factories/dashboards.py) and its independent count.

Written straight to the database (states for tests), so it also holds rows the services would refuse: a 述职 of an
inactive organization, a state on an item that does not apply to the village, a state of a basic organization that
is no village, a state on an inactive item.

Counted by hand (the snapshot's year Y; villages: branch_a, branch_b, c_rural; items: province P (active), P-off
(inactive), 正定县 K1, 邯郸一县 K2):

| node | 述职 submitted | rated | 好 较好 一般 差 | villages | applicable | 已落实 | 落实中 |
|---|---|---|---|---|---|---|---|
| province | 6 | 4 | 1 1 1 1 | 3 | 5 | 2 | 2 |
| 石家庄 city_a | 2 | 1 | 1 0 0 0 | 1 | 2 | 1 | 1 |
| 唐山 city_b | 2 | 1 | 0 0 0 1 | 1 | 1 | 0 | 1 |
| 邯郸 city_c | 2 | 2 | 0 1 1 0 | 1 | 2 | 1 | 0 |
"""

from django.utils import timezone

from accountability.models import DutyReport, MeasureItem, MeasureStatus, VillageMeasure
from orgs.models import Org

DONE, PROGRESS, PENDING = MeasureStatus.DONE, MeasureStatus.PROGRESS, MeasureStatus.PENDING


def add_accountability(dash):
    year = dash.as_of.year
    now = timezone.now()

    def duty(org, status, rating="", y=year):
        DutyReport.objects.create(org=org, year=y, report="述职", status=status, rating=rating, submitted_at=now)

    duty(dash.branch_a, "submitted")
    duty(dash.branch_a2, "rated", "good")
    duty(dash.branch_b, "rated", "poor")
    duty(dash.general_child, "submitted")
    duty(dash.c_rural, "rated", "fair")
    duty(dash.c_school, "rated", "average")
    duty(dash.c_soe, "draft")  # a draft: not submitted
    duty(dash.branch_a3, "rated", "good", y=year - 1)  # last year's
    duty(dash.inactive, "rated", "good")  # an inactive organization

    def item(scope, title, active=True):
        return MeasureItem.objects.create(scope=scope, scope_path=scope.path, title=title, active=active)

    p = item(dash.province, "定职责")
    p_off = item(dash.province, "已停用条目", active=False)
    k1 = item(dash.county_a, "有场所")
    k2 = item(dash.county_c, "有经费")

    def state(village, it, status):
        VillageMeasure.objects.create(item=it, village=village, status=status, evidence="说明", updated_at=now)

    state(dash.branch_a, p, DONE)
    state(dash.branch_a, k1, PROGRESS)
    state(dash.branch_a, p_off, DONE)  # an inactive item
    state(dash.branch_b, p, PROGRESS)
    state(dash.branch_b, k1, DONE)  # 正定县's item does not apply to a village of 滦县
    state(dash.c_rural, k2, DONE)
    state(dash.c_rural, p, PENDING)
    state(dash.general_child, p, DONE)  # no village (a school branch)
    state(dash.inactive, p, DONE)  # an inactive organization


def _is_village(org, by_path) -> bool:
    parent = by_path.get(org.path[: -Org.steplen])
    return org.active and org.level == "basic" and org.sector == "rural" and not (parent and parent.level == "basic")


def accountability_truth(orgs, org_list, *, as_of) -> dict:
    reports = list(DutyReport.objects.filter(org__in=orgs, year=as_of.year))
    rated = [r for r in reports if r.status == "rated"]
    by_path = {o.path: o for o in Org.objects.all()}
    villages = [o for o in org_list if _is_village(o, by_path)]
    items = list(MeasureItem.objects.filter(active=True))
    applicable = {(v.pk, i.pk) for v in villages for i in items if v.path.startswith(i.scope_path)}
    states = [s for s in VillageMeasure.objects.all() if (s.village_id, s.item_id) in applicable]
    out = {
        "duty_submitted": sum(1 for r in reports if r.status in ("submitted", "rated")),
        "duty_rated": len(rated),
        "villages": len(villages),
        "measure_applicable": len(applicable),
        "measure_done": sum(1 for s in states if s.status == "done"),
        "measure_progress": sum(1 for s in states if s.status == "progress"),
    }
    for rating in ("good", "fair", "average", "poor"):
        out[f"duty_{rating}"] = sum(1 for r in rated if r.rating == rating)
    return out
