"""述职评议 and 一定三有 on the dashboards after a refresh: submitted and rated shares, the rating distribution, the
一定三有 share 已落实 per node, the lists behind the figures; and the secretary's workbench line."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accountability import services
from dashboards import queries
from dashboards.services import refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(world, people, campaign):
    today = timezone.localdate()

    def submit(org, by):
        duty = services.start_duty_report(org, by=by, year=today.year, report="述职")
        return services.save_duty_report(duty, by=by, report="述职", submit=True)

    services.rate_duty_report(submit(world.branch_a, people.secretary_a), by=people.county_od, rating="good")
    submit(world.branch_b, people.secretary_b)
    p = services.define_item(world.province, by=people.province_od, title="定职责")
    a = services.define_item(world.county_a, by=people.county_od, title="有场所")
    services.record_measure(world.branch_a, p, by=people.secretary_a, status="done", evidence="已张榜")
    services.record_measure(world.branch_a, a, by=people.secretary_a, status="progress")
    services.record_measure(world.branch_b, p, by=people.secretary_b, status="progress")
    refresh(campaign, today=today, force=True)
    return campaign


def total(user, org, campaign):
    return queries.node_figures(queries.scope_for(user, org.code, campaign=campaign)).total


def test_figures_per_node(world, people, figures):
    county = total(people.county_od, world.county_a, figures)
    assert (county.basic_orgs, county.duty_submitted, county.duty_rated, county.duty_good) == (2, 1, 1, 1)
    assert (str(county.duty_submitted_pct), county.duty_missing, county.duty_waiting) == ("50.0", 1, 0)
    assert (county.villages, county.measure_applicable, county.measure_done, county.measure_progress) == (1, 2, 1, 1)
    assert str(county.measure_done_pct) == "50.0"
    province = total(people.province_lg, world.province, figures)
    assert (province.duty_submitted, province.duty_rated, province.duty_waiting) == (2, 1, 1)
    assert (province.villages, province.measure_applicable, province.measure_done) == (2, 3, 1)
    assert str(province.measure_done_pct) == "33.3" and str(province.duty_pct("good")) == "100.0"


def test_dashboard_page_and_lists(world, people, figures, login):
    page = login(people.province_lg).get(reverse("dashboards:node", args=[world.province.code])).content.decode()
    assert 'id="fig-duty">66.7%</a>' in page  # 2 of the 3 basic organizations
    assert 'id="fig-duty-rated">50.0%</a>' in page and 'id="fig-measures">33.3%</a>' in page
    assert "好 1</a>" in page and "待评议 1</a>" in page and "村 2 个" in page
    s = queries.scope_for(people.province_lg, world.province.code, campaign=figures)
    names = {slug: [r.org.name for r in queries.list_rows(s, queries.LISTS[slug])] for slug in queries.LISTS}
    assert names["duty_missing"] == ["正定镇中学党支部"]
    assert names["duty_waiting"] == ["滦州村党支部"]
    assert names["duty_good"] == ["塔元庄村党支部"]
    assert names["measure_incomplete"] == ["塔元庄村党支部", "滦州村党支部"]
    response = login(people.province_lg).get(reverse("dashboards:list", args=[world.province.code, "duty_missing"]))
    assert response.status_code == 200 and "正定镇中学党支部" in response.content.decode()


def test_workbench_shows_this_years_duty(world, people, campaign, login):
    client = login(people.secretary_a)
    page = client.get(reverse("workbench:org", args=[world.branch_a.code])).content.decode()
    year = timezone.localdate().year
    assert f"{year}年度基层党建述职" in page and "未开始" in page and "待述职" in page
    assert f"{reverse('accountability:duty_start')}?org={world.branch_a.code}" in page
    p = services.define_item(world.province, by=people.province_od, title="定职责")
    services.record_measure(world.branch_a, p, by=people.secretary_a, status="done", evidence="x")
    duty = services.start_duty_report(world.branch_a, by=people.secretary_a, year=year, report="x")
    services.save_duty_report(duty, by=people.secretary_a, report="x", submit=True)
    page = client.get(reverse("workbench:org", args=[world.branch_a.code])).content.decode()
    assert "已提交，待评议" in page and "待述职" not in page and "已落实 1 / 1 项" in page
    assert reverse("accountability:duty_detail", args=[duty.pk]) in page
