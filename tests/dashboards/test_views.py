"""Dashboard pages: what each role sees, the permission matrix, drill-down, sorting, constant query counts,
xlsx exports and the one-page PDF."""

import datetime
import io
import re
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards import queries
from dashboards.services import refresh
from orgs.enums import OrgKind, OrgLevel, Role
from tests.factories import make_org, user_with_role

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"dashboards:{name}", args=args)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- the permission matrix ----------------------------------------------------------------------------


PAGES = [
    ("node", ()),
    ("sectors", ()),
    ("lagging", ()),
    ("lagging_xlsx", ()),
    ("list", ("plan_missing",)),
    ("list_xlsx", ("plan_missing",)),
    ("list", ("households_no_contact",)),
    ("xlsx", ("children",)),
    ("xlsx", ("masses",)),
    ("xlsx", ("members",)),
    ("list", ("rated_excellent",)),
    ("xlsx", ("badges",)),
    ("list", ("wearing_missing",)),
    ("pdf", ()),
]


@pytest.mark.parametrize("name, extra", PAGES)
def test_permission_matrix(client, login, dash, people, name, extra):
    county = url(name, dash.county_a.code, *extra)
    # anonymous → login
    response = client.get(county)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    # wrong role → 403 (a secretary and a member of a branch in the county)
    for user in (people.secretary, people.member):
        login(user)
        assert client.get(url(name, dash.branch_a.code, *extra)).status_code == 403
    # the county's 组织部: its county 200, the other city 404
    login(people.county_od)
    assert client.get(county).status_code == 200
    assert client.get(url(name, dash.city_b.code, *extra)).status_code == 404
    assert client.get(url(name, dash.city_a.code, *extra)).status_code == 404  # above its node
    # a sector supervisor (school): a school branch 200, a rural branch 404
    login(people.school_ss)
    assert client.get(url(name, dash.branch_a2.code, *extra)).status_code == 200
    assert client.get(url(name, dash.branch_a.code, *extra)).status_code == 404
    # the provincial leading group: everywhere
    login(people.province_lg)
    assert client.get(url(name, dash.city_b.code, *extra)).status_code == 200


def test_secretary_with_a_dashboard_role_elsewhere_gets_403_on_its_branch(client, login, dash):
    user = user_with_role(dash.branch_b, Role.SECRETARY)
    user_with_role(dash.county_a, Role.ORG_DEPARTMENT, username="x")  # another user
    from orgs.models import RoleAssignment

    RoleAssignment.objects.create(user=user, org=dash.county_a, role=Role.LEADING_GROUP)
    login(user)
    assert client.get(url("node", dash.county_a.code)).status_code == 200
    assert client.get(url("node", dash.branch_b.code)).status_code == 403  # visible (secretary), no dashboard role


def test_index_redirects_to_the_top_node(client, login, dash, people):
    login(people.county_od)
    response = client.get(url("index"))
    assert response.status_code == 302 and response.url == url("node", dash.county_a.code)
    login(people.secretary)
    assert client.get(url("index")).status_code == 403


def test_nav_link_for_dashboard_roles_only(client, login, dash, people):
    login(people.province_lg)
    assert "数据看板" in text(client.get(url("node", dash.province.code)))
    login(people.secretary)
    assert "数据看板" not in text(client.get(reverse("orgs:tree")))


# --- what the pages show ------------------------------------------------------------------------------


def test_province_dashboard_shows_figures_children_and_charts(client, login, dash, people):
    login(people.province_lg)
    response = client.get(url("node", dash.province.code))
    assert response.status_code == 200
    page = text(response)
    total = response.context["figures"]
    assert f'id="fig-plan">{total.plan_pct}%' in page
    assert f'id="fig-activities">{total.activities}<' in page
    for city in (dash.city_a, dash.city_b, dash.city_c):
        assert f'href="{url("node", city.code)}">{city.name}' in page
    assert 'id="dashboard-charts" type="application/json"' in page
    assert "vendor/echarts/echarts.min.js" in page and "dashboards/charts.js" in page
    assert "<script>" not in page.replace('<script type="application/json"', "")  # no inline code
    assert " style=" not in page
    assert "数据截至" in page
    charts = response.context["charts"]
    assert charts["phases"]["labels"][0] == "广泛发动，安排部署"
    assert sum(charts["activity"]["series"][0]["data"]) == 3  # 党性教育: branch_a 1 + c_school 2
    assert charts["tiers"]["labels"] == ["2011年度", "2012年度"]


def test_masses_section_on_the_page(client, login, dash, people):
    """联系服务群众与基层治理: the cards link to the lists behind them, the month chart has its table."""
    login(people.province_lg)
    response = client.get(url("node", dash.province.code))
    page = text(response)
    total = response.context["figures"]
    assert 'id="masses-heading">联系服务群众与基层治理' in page
    lists = response.context["lists"]
    for anchor, slug, value in [
        ("fig-households", "households_active", 10),
        ("fig-services", "service_records", 13),
        ("fig-meetings", "mass_meetings", 4),
        ("fig-disputes", "disputes_found", 8),
        ("fig-instructors", "basic_with_instructor", 4),
        ("fig-college", "college_officials", 7),
    ]:
        assert total[slug] == value
        assert f'<a href="{lists[slug]}" id="{anchor}">{value}</a>' in page
    assert f'href="{lists["households_no_contact"]}" class="link-danger" id="fig-no-contact">30天未联系 5 户' in page
    assert "印发信息简报 4 期" in page
    assert "化解 3" in page and "上交 1" in page and "未化解 2" in page and "处理中 2" in page
    assert f'href="{lists["instructor_missing"]}">未派驻 6' in page
    services = response.context["services"]
    assert [c.label for c in services.columns] == ["月份", "帮扶", "走访慰问", "解决实际问题", "合计"]
    assert sum(row[-1].value for row in services.rows) == 13
    chart = response.context["charts"]["services"]
    assert chart["labels"] == [row[0].text for row in services.rows]
    assert [s["name"] for s in chart["series"]] == ["帮扶", "走访慰问", "解决实际问题"]
    assert 'data-chart="services"' in page
    masses = {row[0].text: row for row in response.context["masses"].rows}
    assert masses["党员联系户（联系中）"][1].url == lists["households_active"]
    assert masses["矛盾纠纷化解率"][1].text == "37.5%"
    # the drill-down table carries the same figures per child
    header = [c.key for c in response.context["children"].columns]
    rows = {row[0].text: row for row in response.context["children"].rows}
    assert rows["邯郸市"][header.index("disputes_found")].value == 3
    assert rows["本级"][header.index("bulletins")].value == 2  # the province's own bulletins


def test_members_section_on_the_page(client, login, dash, people):
    """党员队伍: 党性分析 of every member, the share rated 优秀, each level and each of the 五个模范."""
    login(people.province_lg)
    response = client.get(url("node", dash.province.code))
    page = text(response)
    lists = response.context["lists"]
    assert 'id="members-heading">党员队伍：党性分析与“五个模范”（2012年度）' in page
    assert f'<a href="{lists["pa_absent"]}" id="fig-pa-participated">45.8%</a>' in page
    assert f'<a href="{lists["rated_excellent"]}" id="fig-excellent">40.0%</a>' in page
    assert "已参加 11" in page and "党员 24" in page and "优秀 4 / 已评定 10" in page and "不合格 1" in page
    rows = {row[0].text: row for row in response.context["members"].rows}
    assert rows["党性分析报告（应写）"][2].text == "在职党员已交 5 / 应写 19；报告共 7 份（含自愿撰写）"
    assert rows["评定为基本合格的占比"][1].text == "10.0%"
    assert [rows[f"达到“{n}”的占比"][1].text for n in ("自觉学习的模范", "遵纪守法的模范")] == ["50.0%", "50.0%"]
    header = [c.key for c in response.context["children"].columns]
    children = {row[0].text: row for row in response.context["children"].rows}
    assert children["石家庄市"][header.index("excellent_member_pct")].value == 50  # 2 of 4
    assert children["唐山市"][header.index("pa_participated")].value == 4


def test_badges_section_on_the_page(client, login, dash, people):
    """亮牌示范: the entries in force per kind and the 佩戴党徽 rate, each linked to the organizations behind it, the
    table with its note, and the same figures per child in the drill-down table."""
    login(people.province_lg)
    response = client.get(url("node", dash.province.code))
    page = text(response)
    lists = response.context["lists"]
    assert 'id="badges-heading">亮牌示范</h2>' in page
    assert f'<a href="{lists["badge_entries"]}" id="fig-badges">12</a>' in page
    for slug, label in [
        ("badge_demo_household", "示范户 3"),
        ("badge_vanguard_post", "先锋岗 2"),
        ("badge_responsibility_area", "责任区 3"),
        ("badge_model_post", "示范岗位 4"),
        ("wearing_orgs", "已登记 6 个基层党组织"),
        ("wearing_missing", "未登记 4"),
    ]:
        assert f'<a href="{lists[slug]}">{label}</a>' in page
    assert f'<a href="{lists["wearing_orgs"]}" id="fig-wearing">63.6%</a>' in page
    assert "佩戴 14 / 统计党员 22" in page
    rows = {row[0].text: row for row in response.context["badges"].rows}
    assert rows["亮牌示范登记合计（示范中）"][1].value == 12
    assert rows["佩戴党徽率"][1].text == "63.6%"
    assert rows["佩戴党徽率"][2].text == "佩戴 14 / 统计党员 22（各基层党组织最近一次登记之和）"
    assert rows["已登记佩戴党徽的基层党组织"][2].text == "占基层党组织 60.0%；未登记 4 个"
    assert rows["党员示范户"][1].url == lists["badge_demo_household"]
    assert "每个组织只计一次" in page
    header = [c.key for c in response.context["children"].columns]
    children = {row[0].text: row for row in response.context["children"].rows}
    badge_columns = ["badge_demo_household", "badge_vanguard_post", "badge_responsibility_area", "badge_model_post"]
    assert [children["石家庄市"][header.index(k)].value for k in badge_columns] == [1, 1, 1, 2]
    assert [str(children[n][header.index("wearing_pct")].value) for n in ("石家庄市", "唐山市", "邯郸市")] == [
        "62.5",  # 5 / 8
        "50.0",  # 3 / 6: the 党总支's record and its branch's, each once
        "75.0",  # 6 / 8
    ]
    assert children["邯郸市"][header.index("badge_responsibility_area")].url == url(
        "list", dash.city_c.code, "badge_responsibility_area"
    )
    assert response.context["children"].footer[header.index("badge_model_post")].value == 4


def test_badges_lists_and_sector_view(client, login, dash, people):
    login(people.province_lg)
    response = client.get(url("list", dash.province.code, "wearing_missing"))
    assert [row[0].text for row in response.context["table"].rows] == [
        "正定国企党支部",
        "滦州村党支部",
        "邯郸市3号支部",
        "邯郸市4号支部",
    ]
    assert response.context["page"].paginator.count == 4
    response = client.get(url("list", dash.city_a.code, "badge_model_post"))
    assert [row[0].text for row in response.context["table"].rows] == ["正定镇", "正定国企党支部"]
    assert "合计 2" in text(response)
    response = client.get(url("sectors", dash.province.code))
    header = [c.key for c in response.context["table"].columns]
    by_sector = {row[1].value: row for row in response.context["table"].rows}
    assert by_sector["school"][header.index("badge_model_post")].value == 2
    assert str(by_sector["school"][header.index("wearing_pct")].value) == "45.5"  # 5 / 11
    assert response.context["table"].footer[header.index("badge_demo_household")].value == 3
    # a sector supervisor sees only its sector's register
    login(people.school_ss)
    response = client.get(url("node", dash.province.code))
    total = response.context["figures"]
    assert (total.badge_entries, total.wearing_orgs, str(total.wearing_pct)) == (3, 4, "45.5")
    rows = client.get(url("list", dash.province.code, "wearing_orgs")).context["table"].rows
    assert [row[0].text for row in rows] == ["正定镇中学党支部", "滦州中学党总支", "滦州中学一支部", "邯郸市2号支部"]


def test_masses_list_behind_a_figure(client, login, dash, people):
    login(people.province_lg)
    response = client.get(url("list", dash.province.code, "households_no_contact"))
    names = [row[0].text for row in response.context["table"].rows]
    assert names == ["塔元庄村党支部", "滦州村党支部", "滦州中学一支部", "邯郸市3号支部"]
    assert "合计 5" in text(response)
    response = client.get(url("list", dash.province.code, "basic_with_instructor"))
    assert [row[0].text for row in response.context["table"].rows] == [
        "塔元庄村党支部",
        "滦州村党支部",
        "滦州中学党总支",
        "邯郸市2号支部",
    ]
    assert response.context["page"].paginator.count == 4


def test_masses_scope_county_user_and_sector_supervisor(client, login, dash, people):
    from tests.dashboards.truth import masses_truth, scope_orgs

    def truth_of(node, sectors=None):
        orgs = scope_orgs(node, sectors)
        return masses_truth(dash.campaign, orgs, list(orgs), as_of=dash.as_of)

    login(people.county_od)
    response = client.get(url("node", dash.county_a.code))
    total, t = response.context["figures"], truth_of(dash.county_a)
    assert (total.households_active, total.households_no_contact, total.disputes_found) == (3, 2, 3)
    assert all(total[f] == t[f] for f in t if f != "services_by")
    assert response.context["node_figures"].total.bulletins == 0  # the city's bulletin is above the county
    assert client.get(url("list", dash.city_c.code, "disputes_found")).status_code == 404
    login(people.school_ss)
    response = client.get(url("node", dash.province.code))
    total, t = response.context["figures"], truth_of(dash.province, {"school"})
    assert all(total[f] == t[f] for f in t if f != "services_by")
    assert (total.households_active, total.basic_with_instructor, total.college_officials) == (2, 2, 1)
    rows = client.get(url("list", dash.province.code, "households_active")).context["table"].rows
    assert [row[0].text for row in rows] == ["滦州中学一支部", "邯郸市2号支部"]


def test_children_are_sortable_server_side(client, login, dash, people):
    login(people.province_lg)
    response = client.get(url("node", dash.province.code), {"sort": "-activities"})
    rows = [row for row in response.context["children"].rows if row[0].value != "本级"]
    names = [row[0].text for row in rows]
    values = [row[0].value for row in rows]
    acts = {c.org.name: c.figures.activities for c in response.context["node_figures"].children}
    assert [acts[n] for n in values] == sorted(acts.values(), reverse=True)
    assert names[0] == "石家庄市"
    response = client.get(url("node", dash.province.code), {"sort": "plan_pct"})
    pcts = [row[5].value for row in response.context["children"].rows if row[0].value != "本级"]
    present = [p for p in pcts if p is not None]
    assert present == sorted(present)
    assert 'aria-sort="ascending"' in text(response)


def test_county_user_sees_only_its_county(client, login, dash, people):
    login(people.county_od)
    page = text(client.get(url("node", dash.county_a.code)))
    assert "正定县" in page and "正定镇" in page
    assert "唐山市" not in page and "邯郸市" not in page
    assert "石家庄市" not in page  # no breadcrumb above its own node


def test_sector_supervisor_page_and_sector_view(client, login, dash, people):
    login(people.school_ss)
    response = client.get(url("node", dash.province.code))
    assert response.context["scope"].sectors == frozenset({"school"})
    assert "（中小学）" in text(response)
    response = client.get(url("sectors", dash.province.code))
    labels = [row[0].text for row in response.context["table"].rows]
    assert labels == ["中小学"]


def test_sector_view_groups_by_sector(client, login, dash, people):
    login(people.province_lg)
    response = client.get(url("sectors", dash.province.code), {"sort": "-basic_orgs"})
    rows = response.context["table"].rows
    counts = [row[2].value for row in rows]
    assert counts == sorted(counts, reverse=True)
    assert {row[1].value for row in rows} >= {"rural", "school", "soe", "community", ""}
    assert response.context["table"].footer[2].value == 10  # basic organizations in all


def test_list_behind_a_figure_is_paginated_and_scoped(client, login, dash, people):
    login(people.province_lg)
    response = client.get(url("list", dash.province.code, "plan_missing"))
    names = [row[0].text for row in response.context["table"].rows]
    assert names == [
        "正定国企党支部",
        "滦州村党支部",
        "滦州中学党总支",
        "邯郸市1号支部",
        "邯郸市3号支部",
        "邯郸市4号支部",
    ]
    assert response.context["page"].paginator.count == 6
    response = client.get(url("list", dash.city_c.code, "rect_overdue"))
    assert [row[0].text for row in response.context["table"].rows] == ["邯郸市1号支部"]
    assert "合计 1" in text(response)
    assert client.get(url("list", dash.province.code, "nonsense")).status_code == 404


def test_list_pagination(client, login, dash, people):
    town = dash.town_c
    for n in range(35):
        make_org(town, sector="rural", code=f"13042110090{n:02d}", name=f"新支部{n:02d}")
    refresh(dash.campaign, today=dash.as_of)
    login(people.province_lg)
    page1 = client.get(url("list", dash.city_c.code, "plan_missing"))
    assert page1.context["page"].paginator.count == 38
    assert len(page1.context["table"].rows) == 30
    page2 = client.get(url("list", dash.city_c.code, "plan_missing"), {"page": 2})
    assert len(page2.context["table"].rows) == 8


def test_lagging_view(client, login, dash, people):
    login(people.province_lg)
    response = client.get(url("lagging", dash.province.code))
    rows = response.context["table"].rows
    lags = [row[-1].value for row in rows]
    assert lags == sorted(lags, reverse=True)
    assert "逾期事项最多的组织" in text(response)


def test_refresh_button_recomputes(client, login, dash, people, django_capture_on_commit_callbacks):
    from dashboards.models import Snapshot

    login(people.province_lg)
    before = Snapshot.objects.filter(status="done").count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url("refresh"), {"next": url("node", dash.city_a.code)})
    assert len(callbacks) == 1
    assert response.status_code == 302 and response.url == url("node", dash.city_a.code)
    assert Snapshot.objects.filter(status="done").count() == min(2, before + 1)
    login(people.school_ss)
    assert client.post(url("refresh")).status_code == 403
    login(people.province_lg)
    assert client.post(url("refresh"), {"next": "https://evil.example/"}).url == url("index")


def test_no_snapshot_yet(client, login, campaign):
    from tests.factories import World

    world = World()
    user = user_with_role(world.province, Role.LEADING_GROUP)
    login(user)
    response = client.get(url("node", world.province.code))
    assert response.status_code == 200
    assert "尚未生成看板数据" in text(response)
    assert client.get(url("list", world.province.code, "plan_missing")).status_code == 200


# --- query counts -------------------------------------------------------------------------------------


def _count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name, extra", [("node", ()), ("sectors", ()), ("xlsx", ("all",)), ("pdf", ())])
def test_query_count_is_constant_in_the_number_of_children(client, login, dash, people, name, extra):
    login(people.province_lg)
    path = url(name, dash.province.code, *extra)
    before = _count_queries(client, path)
    for n in range(6):
        city = make_org(
            dash.province, level=OrgLevel.CITY, kind=OrgKind.COMMITTEE, code=f"1399{n:02d}", name=f"新市{n}"
        )
        branch = make_org(city, sector="rural", code=f"1399{n:02d}001")
        _masses_for(branch, dash.as_of)
    refresh(dash.campaign, today=dash.as_of)
    assert len(queries.node_figures(queries.scope_for(people.province_lg, dash.province.code)).children) == 9
    assert _count_queries(client, path) == before


def _masses_for(branch, day):
    """A household served today, a 干群恳谈会, a dispute, an instructor, a 大学生村官, a 党员先锋岗 and a 佩戴党徽
    record on ``branch``."""
    from campaign.models import BadgeEntry, BadgeWearing
    from masswork.models import Dispute, Household, MassMeeting, ServiceRecord
    from orgs.models import RoleAssignment
    from tests.factories import MemberFactory

    path = {"org": branch, "org_path": branch.path, "org_sector": branch.sector}
    BadgeEntry.objects.create(kind="vanguard_post", post_name="先锋岗", place="村委会", start_date=day, **path)
    BadgeWearing.objects.create(month=day.replace(day=1), wearing=1, total=2, **path)

    household = Household.objects.create(org=branch, head_name="户主", village="村")
    ServiceRecord.objects.create(household=household, kind="visit", date=day, content="走访")
    MassMeeting.objects.create(org=branch, date=day, place="村委会", attendance=9, issues="道路")
    Dispute.objects.create(org=branch, found_on=day, category="land", parties="村民甲乙", summary="地界")
    RoleAssignment.objects.create(user=user_with_role(branch, Role.MEMBER), org=branch, role=Role.INSTRUCTOR)
    MemberFactory(org=branch, college_official=True)


@pytest.mark.parametrize(
    "slug", ["plan_required", "households_no_contact", "basic_with_instructor", "badge_entries", "wearing_orgs"]
)
def test_list_query_count_is_constant_in_the_number_of_rows(client, login, dash, people, slug):
    login(people.province_lg)
    path = url("list", dash.province.code, slug)
    before = _count_queries(client, path)
    for n in range(12):
        branch = make_org(dash.town_c, sector="rural", code=f"13042110080{n:02d}")
        _masses_for(branch, dash.as_of - datetime.timedelta(days=40))
    refresh(dash.campaign, today=dash.as_of)
    assert getattr(queries.node_total(queries.scope_for(people.province_lg, dash.province.code)), slug) >= 12
    assert _count_queries(client, path) == before


# --- exports ------------------------------------------------------------------------------------------


def _sheet_rows(response, title=None):
    from openpyxl import load_workbook

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook[title] if title else workbook.worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_children_xlsx(client, login, dash, people):
    login(people.province_lg)
    response = client.get(url("xlsx", dash.province.code, "children"), {"sort": "name"})
    rows = _sheet_rows(response)
    assert rows[0][0] == "河北省" and "数据截至" in rows[1][0]
    header = rows[3]
    assert header[:4] == ["组织", "编码", "基层党组织", "应制定方案"]
    body = {r[0]: r for r in rows[4:]}
    nf = queries.node_figures(queries.scope_for(people.province_lg, dash.province.code))
    for child in nf.children:
        line = body[child.org.name]
        assert line[1] == child.org.code
        assert line[header.index("应制定方案")] == child.figures.plan_required
        assert line[header.index("活动记录")] == child.figures.activities
        assert line[header.index("整改逾期")] == child.figures.rect_overdue
    assert body["合计"][header.index("在职党员")] == nf.total.members_in_service
    pct = body["石家庄市"][header.index("方案覆盖率")]
    assert pct == float(nf.children[0].figures.plan_pct)


def test_all_tables_xlsx_and_list_xlsx(client, login, dash, people):
    from openpyxl import load_workbook

    login(people.province_lg)
    response = client.get(url("xlsx", dash.province.code, "all"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "主要指标",
        "下级组织",
        "各步骤节点任务完成情况",
        "各期档次分布",
        "各月活动记录（按类型）",
        "本轮推荐（按类别、阶段）",
        "联系服务群众与基层治理",
        "各月联系服务记录（按类型）",
        "党员队伍：党性分析、评定等次、“五个模范”",
        "亮牌示范：示范户、先锋岗、责任区、示范岗位与佩戴党徽",
    ]
    badges = {
        r[0]: r for r in workbook["亮牌示范：示范户、先锋岗、责任区、示范岗位与佩戴党徽"].iter_rows(values_only=True)
    }
    assert badges["党员示范户"][1] == 3 and badges["示范岗位"][1] == 4
    assert badges["佩戴党徽率"][1] == 63.6 and badges["已登记佩戴党徽的基层党组织"][1] == 6
    members = {r[0]: r for r in workbook["党员队伍：党性分析、评定等次、“五个模范”"].iter_rows(values_only=True)}
    assert members["党性分析参与率"][1:] == (45.8, "已参加 11 / 党员 24（登记参加或已交报告）")
    assert members["评定为优秀的占比"][1] == 40.0 and members["达到“服务群众的模范”的占比"][1] == 50.0
    masses = [list(r) for r in workbook["联系服务群众与基层治理"].iter_rows(values_only=True)]
    assert masses[3] == ["指标", "数值", "说明"]
    by_label = {r[0]: r for r in masses[4:]}
    assert by_label["30天未联系的联系户"][1] == 5
    assert by_label["排查矛盾纠纷"][1:] == [8, "化解 3，上交 1，未化解 2，处理中 2"]
    assert by_label["矛盾纠纷化解率"][1] == 37.5
    services = [list(r) for r in workbook["各月联系服务记录（按类型）"].iter_rows(values_only=True)]
    assert services[3] == ["月份", "帮扶", "走访慰问", "解决实际问题", "合计"]
    assert sum(r[4] for r in services[4:]) == 13
    rows = _sheet_rows(client.get(url("list_xlsx", dash.province.code, "rect_overdue")))
    assert rows[3] == ["组织", "编码", "层级", "领域", "整改未完成", "整改逾期"]
    names = [r[0] for r in rows[4:]]
    assert names == ["正定县", "塔元庄村党支部", "滦州村党支部", "邯郸市1号支部"]
    assert sum(r[5] for r in rows[4:]) == 4
    rows = _sheet_rows(client.get(url("lagging_xlsx", dash.province.code)))
    assert rows[3][-1] == "逾期事项" and rows[4][-1] == max(r[-1] for r in rows[4:])
    assert client.get(url("xlsx", dash.province.code, "nonsense")).status_code == 404


def test_sector_xlsx(client, login, dash, people):
    login(people.school_ss)
    rows = _sheet_rows(client.get(url("xlsx", dash.province.code, "sectors")))
    assert [r[0] for r in rows[4:]] == ["中小学", "合计"]


def test_summary_pdf_is_one_page_with_a_cjk_font(client, login, dash, people, tmp_path):
    login(people.province_lg)
    response = client.get(url("pdf", dash.province.code))
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Noto-?Sans-?CJK", fonts), fonts
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\b", info)
    body = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "创先争优活动数据摘要：河北省" in body
    assert "邯郸市" in body and "实施方案覆盖率" in body
    assert "联系服务群众与基层治理" in body and "矛盾纠纷化解率" in body and "37.5%" in body


def test_summary_pdf_stays_one_page_with_twelve_children(client, login, dash, people, tmp_path):
    """The worst the PDF shows: 12 children with long names (the rest are counted below the table)."""
    for n in range(14):
        city = make_org(
            dash.province, level=OrgLevel.CITY, kind=OrgKind.COMMITTEE, code=f"1398{n:02d}",
            name=f"某某自治州某某地区行政公署第{n}市",
        )  # fmt: skip
        _masses_for(make_org(city, sector="rural", code=f"1398{n:02d}001"), dash.as_of)
    refresh(dash.campaign, today=dash.as_of)
    login(people.province_lg)
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(client.get(url("pdf", dash.province.code)).content)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\b", info)
    body = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "联系服务群众与基层治理" in body and "另有 6 个下级组织" in body
