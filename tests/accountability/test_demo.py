"""The demo is lived-in for the new bodies too: 塔元庄村's 群众工作站 with two visits (one settled), this year's
述职 of the branch submitted and waiting for 正定县's 评议, and 一定三有 items of the county with mixed states."""

from django.urls import reverse
from django.utils import timezone

from accountability.models import DutyReport, MeasureItem, VillageMeasure
from demo import codes
from masswork.models import Station, Visit
from orgs.models import Org, User
from tests.demo.conftest import build, demo_province  # noqa: F401  (the demo's own fixtures: load_demo once)


def test_the_demo_shows_the_new_bodies(build, client):  # noqa: F811
    build()  # for today, as ./start.sh does
    DAY = timezone.localdate()
    branch = Org.objects.get(code=codes.BRANCH)
    station = Station.objects.get(org=branch)
    visits = list(Visit.objects.filter(station=station).order_by("visited_on"))
    assert [v.status for v in visits] == ["closed", "open"] and station.duty_members.count() == 2
    duty = DutyReport.objects.get(org=branch, year=DAY.year)
    assert duty.status == "submitted" and duty.submitted_by.username == codes.SECRETARY
    items = list(MeasureItem.objects.filter(scope__code=codes.COUNTY).order_by("order"))
    assert len(items) == 3 and all("演示条目" in i.description for i in items)
    states = dict(VillageMeasure.objects.filter(village=branch).values_list("item__order", "status"))
    assert states == {1: "done", 2: "progress"}  # the third not started
    assert VillageMeasure.objects.exclude(village=branch).filter(status="done").exists()
    assert DutyReport.objects.filter(year=DAY.year, status="rated", rated_org__code=codes.COUNTY).count() == 1

    county = User.objects.get(username=codes.COUNTY_DEPARTMENT)
    client.force_login(county, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("accountability:duty_detail", args=[duty.pk])).content.decode()
    assert f"评议（以{Org.objects.get(code=codes.COUNTY).name}名义）" in page
    grid = client.get(reverse("accountability:grid"))
    assert [c.title for c in grid.context["columns"]] == ["定岗定责", "有活动场所", "有工作经费"]
    shuji = User.objects.get(username=codes.SECRETARY)
    client.force_login(shuji, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("masswork:station_detail", args=[station.pk])).content.decode()
    assert "共 2 件：办理中 1，已办结 1" in page
    workbench = client.get(reverse("workbench:org", args=[branch.code])).content.decode()
    assert f"{DAY.year}年度基层党建述职" in workbench and "已提交，待评议" in workbench

    build(None, "--rebuild")  # rebuilt: kept, not doubled
    assert Station.objects.filter(org=branch).count() == 1 and Visit.objects.filter(station=station).count() == 2
    assert DutyReport.objects.filter(org=branch).count() == 1 and MeasureItem.objects.count() == 3
