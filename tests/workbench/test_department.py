"""组织部工作台: what waits for a county's and a city's 组织部, counted in their subtree only, each row one tap to the
page that does it with its filter applied (and that page shows the same rows); the permission matrix; a query
count that does not grow with the rows; the start page and the navigation entry."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accountability.models import DutyReport, DutyStatus
from awards.models import Nomination, Objection
from campaign.models import Notification, Plan, RectificationOrder, StoryStatus
from orgs.enums import Role
from orgs.models import ImportJob, RoleAssignment
from tests.factories import MemberFactory, make_org, user_with_role
from tests.factories.awards_nominations import category, make_round, set_quota
from tests.factories.campaign_activities import make_story
from tests.factories.campaign_plans import make_plan
from tests.factories.campaign_supervision import make_order

from .conftest import assert_links_open, days, milestone, move

pytestmark = pytest.mark.django_db

URL = "/workbench/department/"


def board(client):
    response = client.get(reverse("workbench:department"))
    assert response.status_code == 200
    return response


def rows(response) -> dict:
    """{(title, where): (count, url)} of the 待办工作 card."""
    return {(t.title, t.where): (t.count, t.url) for t in response.context["board"].tasks}


def nomination(award_round, member, level, *, status=Nomination.Status.PENDING, name=None):
    return Nomination.objects.create(
        award_round=award_round,
        category=category(award_round, "excellent_member"),
        nominee_member=member,
        nominee_name=name or member.name,
        nominating_org=member.org,
        origin_path=member.org.path,
        current_org=level,
        deeds="带领群众致富",
        status=status,
    )


def objection(nominee, n=1, *, status=Objection.Status.PENDING):
    for i in range(n):
        Objection.objects.create(nomination=nominee, content=f"反映问题{i}", status=status)


def duty(org, year=None, status=DutyStatus.SUBMITTED):
    return DutyReport.objects.create(
        org=org, year=year or timezone.localdate().year, status=status, report="抓党建述职", submitted_at=timezone.now()
    )


def responded(org, by):
    made = make_order(org, by, problem="活动记录不全")
    RectificationOrder.objects.filter(pk=made.pk).update(status=RectificationOrder.Status.RESPONDED)
    return made


def upload(user, name, status=ImportJob.Status.VALID):
    """An import of the user's that passed its dry run and waits for 确认导入."""
    return ImportJob.objects.create(
        kind=ImportJob.Kind.MEMBERS, status=status, file=f"imports/{name}", original_name=name, created_by=user
    )


class Waiting:
    """One county's work of every kind under ``county`` (its town, branch and member), issued by ``dept``."""

    def __init__(self, campaign, county, town, branch, member, dept, *, tag):
        self.plan = make_plan(campaign, branch, status=Plan.Status.SUBMITTED, theme=f"{tag}方案")
        self.story = make_story(branch, campaign, status=StoryStatus.SUBMITTED, title=f"{tag}稿件")
        self.review_round = make_round(county, name=f"{tag}七一表彰", code=f"{tag}-review")
        nomination(self.review_round, member, town)
        set_quota(self.review_round, county, 2)  # nothing handed to the township yet
        self.listed_round = make_round(
            county,
            name=f"{tag}集中表彰",
            code=f"{tag}-listed",
            nomination_opens=days(-30),
            nomination_closes=days(-20),
            review_closes=days(-15),
            publicity_starts=days(-3),
        )
        nominee = nomination(self.listed_round, member, county, status=Nomination.Status.PUBLICITY)
        objection(nominee, 2)
        objection(nominee, status=Objection.Status.REJECTED)  # handled: not counted
        self.order = responded(branch, dept)
        duty(branch)
        self.job = upload(dept, f"{tag}党员.xlsx")
        upload(dept, f"{tag}旧文件.xlsx", status=ImportJob.Status.DONE)  # done: not counted


@pytest.fixture
def waiting(world, people, campaign):
    """正定县's work for 县委组织部, and the same kinds of rows in 滦县 (must never show)."""
    dept_b = user_with_role(world.county_b, Role.ORG_DEPARTMENT, username="wb_dept_b", full_name="滦县组织部")
    a = Waiting(campaign, world.county_a, world.town_a, world.branch_a, world.member_a, people.dept_county, tag="zd")
    b = Waiting(campaign, world.county_b, world.town_b, world.branch_b, world.member_b, dept_b, tag="lx")
    move(campaign, "study", due=days(-3))
    Notification.objects.create(user=people.dept_county, title="待批：塔元庄村党支部的实施方案")
    Notification.objects.create(user=dept_b, title="滦县的消息")
    return {"a": a, "b": b, "dept_b": dept_b}


def test_what_waits_for_the_county(world, people, campaign, waiting, login):
    client = login(people.dept_county)
    response = board(client)
    html = response.content.decode()
    a = waiting["a"]
    year = timezone.localdate().year
    assert rows(response) == {
        ("实施方案待审批", ""): (1, "/campaign/plans/?pending=1"),
        ("宣传稿件待审核", ""): (1, "/campaign/stories/?pending=1"),
        ("推荐对象待审核上报", "zd七一表彰 · 正定镇"): (
            1,
            reverse("awards:review", args=[a.review_round.code, world.town_a.code]),
        ),
        ("名额待分配", "zd七一表彰 · 正定县"): (2, reverse("awards:quota", args=[a.review_round.code, "130123"])),
        ("公示异议待处理", "zd集中表彰"): (2, reverse("awards:shortlist", args=[a.listed_round.code])),
        ("整改情况待验收", ""): (1, "/campaign/supervision/orders/?state=mine"),
        ("述职待评议", f"{year}年度"): (1, f"/accountability/duty/?year={year}&status=submitted"),
        ("导入文件待确认", ""): (1, reverse("orgs:import_detail", args=[a.job.pk])),
    }
    assert response.context["board"].idle == []
    assert "组织部工作台" in html and "8 项待办" in html and "2 件" in html and "2 个名额" in html
    study = milestone(campaign, "study")
    overdue = {t.title: (t.url, t.count) for t in response.context["board"].overdue}
    assert overdue["组织学习"][0] == reverse("campaign:milestone_orgs", args=[study.pk])
    assert f"{overdue['组织学习'][1]} 个组织未完成" in html
    assert "第一步骤：广泛发动，安排部署" in html  # the campaign's step, as on the secretary's workbench
    assert "待批：塔元庄村党支部的实施方案" in html and "滦县的消息" not in html
    for other in ("lx七一表彰", "lx集中表彰", "滦州", "滦县"):
        assert other not in html


def test_every_row_opens_and_shows_what_it_counted(world, people, campaign, waiting, login):
    client = login(people.dept_county)
    html = board(client).content.decode()
    assert_links_open(client, html)
    plans = client.get("/campaign/plans/?pending=1").content.decode()
    assert "zd方案" in plans and "lx方案" not in plans
    stories = client.get("/campaign/stories/?pending=1").content.decode()
    assert "zd稿件" in stories and "lx稿件" not in stories
    review = client.get(reverse("awards:review", args=[waiting["a"].review_round.code, world.town_a.code]))
    assert world.member_a.name in review.content.decode()


def test_the_other_county_sees_only_its_own(world, people, campaign, waiting, login):
    response = board(login(waiting["dept_b"]))
    html = response.content.decode()
    found = rows(response)
    assert found[("推荐对象待审核上报", "lx七一表彰 · 滦州镇")][0] == 1
    assert found[("公示异议待处理", "lx集中表彰")][0] == 2
    assert found[("实施方案待审批", "")][0] == 1
    assert "zd七一表彰" not in html and "zd集中表彰" not in html and "塔元庄" not in html


def test_the_city_counts_its_subtree_and_leaves_a_county_its_own_levels(world, people, campaign, waiting, login):
    """The city's 组织部 sees the plans, stories, orders and 述职 of its counties (the lists' own filters), but a
    level's nominations and a round's objections are the nearest department's: 正定县 has its own."""
    city = user_with_role(world.city_a, Role.ORG_DEPARTMENT, username="wb_city", full_name="石家庄市委组织部")
    found = rows(board(login(city)))
    assert found[("实施方案待审批", "")][0] == 1  # 正定县's, not 滦县's
    assert not [key for key in found if key[0] in ("推荐对象待审核上报", "公示异议待处理")]
    # without a county department the city is the nearest: 正定镇's nomination and the county round's objections
    RoleAssignment.objects.filter(user=people.dept_county).delete()
    found = rows(board(login(city)))
    assert found[("推荐对象待审核上报", "zd七一表彰 · 正定镇")][0] == 1
    assert found[("公示异议待处理", "zd集中表彰")][0] == 2


def test_nothing_waiting_reads_as_one_line(world, people, campaign, login):
    response = board(login(people.dept_county))
    html = response.content.decode()
    assert response.context["board"].tasks == []
    assert "今天没有等待本部门办理的工作。" in html
    idle = (
        "实施方案待审批、宣传稿件待审核、推荐对象待审核上报、名额待分配、公示异议待处理、整改情况待验收、述职待评议、"
        "导入文件待确认"
    )
    assert f"无待办：{idle}" in html


def test_a_township_nomination_waits_on_its_own_department_first(world, people, campaign, waiting, login):
    user_with_role(world.town_a, Role.ORG_DEPARTMENT, username="wb_town_dept", full_name="正定镇组织委员")
    found = rows(board(login(people.dept_county)))
    assert not [key for key in found if key[0] == "推荐对象待审核上报"]


def test_places_not_yet_handed_down(world, people, campaign, login):
    """名额待分配: what a level got and has not handed to its children, while the round takes nominations."""
    city = user_with_role(world.city_a, Role.ORG_DEPARTMENT, username="wb_city", full_name="石家庄市委组织部")
    award_round = make_round(world.province, name="全省七一表彰", code="prov")
    set_quota(award_round, world.city_a, 8)
    set_quota(award_round, world.county_a, 3)
    set_quota(award_round, world.town_a, 3)
    set_quota(award_round, world.city_b, 4)  # another city's: never counted for 石家庄
    found = rows(board(login(city)))
    assert found[("名额待分配", "全省七一表彰 · 石家庄市")] == (5, reverse("awards:quota", args=["prov", "130100"]))
    assert "名额待分配" in board(login(people.dept_county)).context["board"].idle  # all 3 handed to 正定镇
    award_round.nomination_closes = days(-1)
    award_round.save(update_fields=["nomination_closes"])
    assert "名额待分配" in board(login(city)).context["board"].idle


def test_a_submitted_duty_report_counts_only_in_a_year_its_list_offers(world, people, campaign, login):
    """The 述职 list offers this year and the four before it: an older 述职 still waiting would be a row whose
    link opens an empty list (the review found it), so it is not counted."""
    this_year = timezone.localdate().year
    duty(world.branch_a, year=this_year - 5)
    duty(world.branch_a2, year=this_year - 4)
    client = login(people.dept_county)
    found = rows(board(client))
    assert [key for key in found if key[0] == "述职待评议"] == [("述职待评议", f"{this_year - 4}年度")]
    listed = client.get(found[("述职待评议", f"{this_year - 4}年度")][1]).content.decode()
    assert world.branch_a2.name in listed and world.branch_a.name not in listed


def test_orders_waiting_are_those_he_may_verify_and_the_list_shows_just_those(world, people, campaign, login):
    """An order the city issued and the branch answered waits for the city, not the county: the county's row and
    the list it opens (待我验收) show only the county's own (the review found 待验收 listing both)."""
    city = user_with_role(world.city_a, Role.ORG_DEPARTMENT, username="wb_city_orders", full_name="石家庄市委组织部")
    own = responded(world.branch_a, people.dept_county)
    above = responded(world.branch_a, city)
    RectificationOrder.objects.filter(pk=above.pk).update(problem="上级下达的整改")
    client = login(people.dept_county)
    found = rows(board(client))
    count, url = found[("整改情况待验收", "")]
    assert count == 1
    listed = client.get(url).content.decode()
    assert own.problem in listed and "上级下达的整改" not in listed
    assert "待我验收 1" in listed
    everything = client.get(reverse("campaign:supervision_order_list"), {"state": "responded"}).content.decode()
    assert "上级下达的整改" in everything  # 待验收 still lists every answered order he can read
    assert rows(board(login(city)))[("整改情况待验收", "")][0] == 2  # the city may verify both


# --- permissions -----------------------------------------------------------------------------


def test_anonymous_goes_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["secretary", "member", "leader", "town_secretary", "nobody"])
def test_without_the_department_role_403(people, login, name):
    assert login(getattr(people, name)).get(URL).status_code == 403


def test_reverse_names_the_address():
    assert reverse("workbench:department") == URL


# --- constant queries ------------------------------------------------------------------------


def _more(world, people, campaign, n, start):
    """``n`` more branches of 正定镇, each with a plan, a story, a nomination, an order and a 述职 waiting, and
    a round each with an objection."""
    for i in range(start, start + n):
        branch = make_org(world.town_a, code=f"13012310030{i:02d}", name=f"附加支部{i}")
        member = MemberFactory(org=branch, name=f"附加党员{i}")
        Waiting(campaign, world.county_a, world.town_a, branch, member, people.dept_county, tag=f"x{i}")
        Notification.objects.create(user=people.dept_county, title=f"消息{i}")


def test_query_count_is_constant(world, people, campaign, login):
    client = login(people.dept_county)
    _more(world, people, campaign, 1, 0)
    board(client)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as one:
        board(client)
    _more(world, people, campaign, 9, 1)
    with CaptureQueriesContext(connection) as ten:
        response = board(client)
    found = rows(response)
    assert found[("实施方案待审批", "")][0] == 10
    assert len([key for key in found if key[0] == "公示异议待处理"]) == 10
    assert found[("导入文件待确认", "")] == (10, reverse("orgs:import_list"))  # several: the list of his imports
    assert len(ten) == len(one), [q["sql"] for q in ten]
    # session, user, roles, the inbox badge, the step, one count per kind (three for the quotas, one for whose
    # level is nearest), the overdue milestones and the unread messages
    assert len(one) <= 24, [q["sql"] for q in one]


# --- the start page and the navigation --------------------------------------------------------


def test_the_department_starts_on_its_board(people, login):
    response = login(people.dept_county).get(reverse("home"))
    assert response["Location"] == reverse("workbench:department")


def test_a_department_that_is_also_a_member_starts_on_its_board(world, people, login):
    RoleAssignment.objects.create(user=people.dept_county, org=world.branch_a, role=Role.MEMBER)
    assert login(people.dept_county).get(reverse("home"))["Location"] == reverse("workbench:department")


def test_navigation_entry_only_for_departments(world, people, login):
    link = f'href="{URL}"'
    for user, shown in ((people.dept_county, True), (people.secretary, False), (people.leader, False)):
        html = login(user).get(reverse("orgs:tree")).content.decode()
        assert (link in html) is shown, user
        assert ("组织部工作台" in html) is shown
