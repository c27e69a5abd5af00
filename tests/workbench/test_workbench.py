"""The secretary's workbench: every section per state, every link opens for the secretary, nothing of another
organization shows, the permission matrix, and a query count that does not grow with the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign.models import Campaign, Commitment, Milestone, Notification, Plan, RectificationOrder
from evaluations.models import MassBatch, Period
from orgs.enums import Role
from orgs.models import RoleAssignment
from tests.factories import MemberFactory
from tests.factories.awards_nominations import make_round
from tests.factories.campaign_plans import make_commitment, make_plan
from tests.factories.evaluations_mass import make_batch, make_report

from .conftest import assert_links_open, days, done, main_links, milestone, move, order, publish

pytestmark = pytest.mark.django_db


def workbench_url(org):
    return reverse("workbench:org", args=[org.code])


def page(client, org):
    response = client.get(workbench_url(org))
    assert response.status_code == 200
    return response.content.decode()


# --- each section per state -------------------------------------------------------------------


def test_step_and_days_left(world, people, campaign, login):
    html = page(login(people.secretary), world.branch_a)
    phase = campaign.phases.get(order=1)
    left = (phase.end_date - timezone.localdate()).days
    assert "第一步骤：广泛发动，安排部署" in html
    assert f"本步骤还剩 {left} 天（至 {phase.end_date:%Y-%m-%d}）" in html
    assert campaign.name in html


def test_milestones_overdue_soon_and_done(busy, people, campaign, login):
    html = page(login(people.secretary), busy.branch_a)
    study = milestone(campaign, "study")
    assert "组织学习" in html and "已逾期 3 天" in html and "逾期 1 项" in html
    assert reverse("campaign:milestone_orgs", args=[study.pk]) in html  # manual: confirmed on its page
    assert "党性分析" in html and "5 天后到期" in html and f"{days(2):%Y-%m-%d} 开始" in html
    assert f"{reverse('evaluations:report_list')}?org={busy.branch_a.code}" in html
    assert f"{reverse('campaign:activity_create')}?org={busy.branch_a.code}" in html
    assert "搞好对标定位" not in html  # done: vanishes
    assert html.index("组织学习") < html.index("5 天后到期")  # overdue first


def test_milestone_done_vanishes_and_the_empty_state_names_the_next(world, people, campaign, login):
    client = login(people.secretary)
    move(campaign, "study", due=days(-1))
    assert "组织学习" in page(client, world.branch_a)
    done(campaign, "study", world.branch_a)
    html = page(client, world.branch_a)
    assert "组织学习" not in html
    assert "近 14 天内没有到期或逾期的节点任务" in html
    plan = milestone(campaign, "plan")
    assert f"下一个节点：制定方案，完成时限 {plan.due_date:%Y-%m-%d}" in html


def test_empty_state_says_when_the_next_milestone_starts(world, people, campaign, login):
    for code in ("plan", "study"):
        done(campaign, code, world.branch_a)
    analysis = milestone(campaign, "party_analysis")
    html = page(login(people.secretary), world.branch_a)
    assert f"下一个节点：党性分析 于 {analysis.start_date:%Y-%m-%d} 开始" in html


def test_milestones_of_other_levels_and_sectors_do_not_show(world, people, campaign, login):
    move(campaign, "mobilize", due=days(-1))  # province, city, county only
    phase = campaign.phases.get(order=1)
    Milestone.objects.create(
        campaign=campaign, phase=phase, code="school-only", name="中小学专项", due_date=days(3), sectors=["school"]
    )
    html = page(login(people.secretary), world.branch_a)  # a rural branch
    assert "动员部署" not in html and "中小学专项" not in html


@pytest.mark.parametrize(
    "status, shown, link",
    [
        (None, "编写实施方案", "create"),
        (Plan.Status.DRAFT, "草稿尚未提交审批", "edit"),
        (Plan.Status.SUBMITTED, "等待上级审批", "detail"),
        (Plan.Status.RETURNED, "请补充具体措施", "edit"),
        (Plan.Status.APPROVED, "已审批通过，请向群众公布", "detail"),
    ],
)
def test_plan_state(world, people, campaign, login, status, shown, link):
    plan = make_plan(campaign, world.branch_a, status=status) if status else None
    html = page(login(people.secretary), world.branch_a)
    assert shown in html
    if status == Plan.Status.RETURNED:
        assert "审批意见（退回原因）" in html and plan.get_status_display() in html
    url = {
        "create": lambda: reverse("campaign:plan_create", args=[world.branch_a.code]),
        "edit": lambda: reverse("campaign:plan_edit", args=[plan.pk]),
        "detail": lambda: reverse("campaign:plan_detail", args=[plan.pk]),
    }[link]()
    assert f'href="{url}"' in html


def test_commitments_awaiting_fulfilment(busy, people, campaign, login):
    html = page(login(people.secretary), busy.branch_a)
    assert "待记录兑现 2 条" in html
    assert "硬化村内主干道三公里" in html and "带头发展大棚蔬菜" in html and "张建国" in html
    assert "尚无兑现记录" in html
    assert "1 条承诺草稿待公开" in html
    assert "滦州承诺" not in html
    kept = Commitment.objects.get(content="硬化村内主干道三公里")
    assert reverse("campaign:commitment_detail", args=[kept.pk]) in html
    Commitment.objects.filter(pk=kept.pk).update(fulfilment="done")
    assert "硬化村内主干道三公里" not in page(login(people.secretary), busy.branch_a)


def test_orders_with_deadlines(busy, people, login):
    html = page(login(people.secretary), busy.branch_a)
    overdue = RectificationOrder.objects.get(problem="学习制度不落实")
    assert "学习制度不落实" in html and f"整改期限 {days(-2):%Y-%m-%d}，已逾期" in html
    assert "活动记录不全" in html and f"整改期限 {days(6):%Y-%m-%d}（还剩 6 天）" in html
    assert "已逾期 1 项" in html
    assert reverse("campaign:supervision_order_detail", args=[overdue.pk]) in html
    assert "滦州整改" not in html
    assert html.index("学习制度不落实") < html.index("活动记录不全")


def test_assessments_of_the_open_period(busy, people, period, login):
    html = page(login(people.secretary), busy.branch_a)
    assert period.name in html
    # member_a and the farmer: one self-assessment, one branch assessment, one rating of two members
    assert "党员自评 1/2" in html and "组织考核 1/2" in html and "评定等次 1/2" in html
    assert "结果未发布" in html
    assert reverse("evaluations:scoring_assess_org", args=[period.code, busy.branch_a.code, "self"]) in html
    assert f"{reverse('evaluations:branch_members', args=[busy.branch_a.code])}?period={period.code}" in html
    publish(busy.branch_a, period)
    assert "结果已发布" in page(login(people.secretary), busy.branch_a)


def test_no_open_period_says_what_comes_next(world, people, login):
    Period.objects.create(name="下一年度考核评议", code="wb-next", start_date=days(20), end_date=days(380))
    html = page(login(people.secretary), world.branch_a)
    assert "现在没有正在进行的考核期间" in html
    assert f"下一个考核期间：下一年度考核评议 于 {days(20):%Y-%m-%d} 开始" in html


def test_party_analysis_figures(busy, people, campaign, login):
    html = page(login(people.secretary), busy.branch_a)
    # required: member_a (在职) only; he submitted; participation: his report and the farmer's recorded row
    assert '<span class="wb-value">1/1</span><small class="text-muted">在职党员已提交报告' in html
    assert '<span class="wb-value">2/2</span><small class="text-muted">参加党性分析' in html
    assert "待审阅 1 份" in html
    query = f"?org={busy.branch_a.code}&amp;campaign={campaign.code}&amp;state=submitted"
    assert reverse("evaluations:report_list") + query in html
    assert reverse("evaluations:report_participation", args=[busy.branch_a.code]) in html


def test_mass_batches_with_participation(busy, people, login):
    html = page(login(people.secretary), busy.branch_a)
    batch = MassBatch.objects.get(org=busy.branch_a)
    assert "参评 1/3（33.3%）" in html
    assert reverse("evaluations:mass_batch", args=[batch.pk]) in html
    assert f"{reverse('evaluations:mass_batch_create')}?org={busy.branch_a.code}" in html
    other = MassBatch.objects.get(org=busy.branch_b)
    assert reverse("evaluations:mass_batch", args=[other.pk]) not in html


def test_nominations_the_branch_may_make(busy, people, login):
    html = page(login(people.secretary), busy.branch_a)
    assert "正定县七一表彰" in html and "滦县表彰" not in html
    assert "推荐优秀共产党员" in html and "已推荐 1" in html
    assert "推荐先进基层党组织" in html
    assert "先进县(市、区)委" not in html


def test_closed_round_is_not_offered(world, people, login):
    make_round(world.county_a, name="已截止的表彰", nomination_closes=days(-1))
    html = page(login(people.secretary), world.branch_a)
    assert "已截止的表彰" not in html and "目前没有正在接受推荐的表彰" in html


def test_unread_messages(busy, people, login):
    client = login(people.secretary)
    html = page(client, busy.branch_a)
    unread = Notification.objects.filter(user=people.secretary, read_at__isnull=True)
    assert f"未读 {unread.count()} 条" in html
    assert "请及时报送活动进展" in html and "滦州的消息" not in html
    note = unread.get(title="请及时报送活动进展")
    assert reverse("campaign:inbox_open", args=[note.pk]) in html
    unread.update(read_at=timezone.now())
    html = page(client, busy.branch_a)
    assert "没有未读消息" in html and "请及时报送活动进展" not in html


def test_every_link_opens_for_the_secretary(busy, people, login):
    client = login(people.secretary)
    links = assert_links_open(client, page(client, busy.branch_a))
    assert len(links) >= 20


@pytest.mark.parametrize("with_period", [True, False])
def test_every_milestone_form_opens(world, people, campaign, seed_criteria, login, with_period):
    """All the campaign's milestones due within the horizon: each basic one listed, each link opens."""
    if with_period:
        Period.objects.create(name="本年度考核评议", code="wb-all", start_date=days(-5), end_date=days(50))
    Milestone.objects.filter(campaign=campaign).update(due_date=days(3), start_date=None)
    client = login(people.secretary)
    html = page(client, world.branch_a)
    basic = [m for m in Milestone.objects.filter(campaign=campaign) if m.applies_to(world.branch_a)]
    assert len(basic) >= 10
    for m in basic:
        assert m.name in html, m.code
    assert "动员部署" not in html and "专项表彰" not in html
    links = assert_links_open(client, html)
    assert reverse("evaluations:benchmark_create") in links and reverse("awards:basic_create") in links
    if with_period:
        assert reverse("evaluations:branch_members", args=[world.branch_a.code]) + "?period=wb-all" in links


def test_every_link_opens_on_an_empty_workbench(world, people, campaign, login):
    client = login(people.secretary)
    assert_links_open(client, page(client, world.branch_a))


def test_no_campaign_at_all(world, people, login):
    Campaign.objects.all().delete()
    html = page(login(people.secretary), world.branch_a)
    assert "目前没有创先争优活动" in html
    assert_links_open(login(people.secretary), html)


def test_ended_campaign_lists_no_overdue_milestones(world, people, seed_campaign, login):
    """The latest campaign has ended: its milestones are not shown as overdue for ever."""
    Campaign.objects.exclude(pk=seed_campaign.pk).delete()
    html = page(login(people.secretary), world.branch_a)
    assert "活动已于 2012-11-07 结束" in html
    assert "活动已经结束，节点任务不再登记完成情况" in html
    assert "已逾期" not in html and "制定方案" not in html


def test_chooser_links_open(world, people, campaign, login):
    RoleAssignment.objects.create(user=people.secretary, org=world.branch_a2, role=Role.SECRETARY)
    client = login(people.secretary)
    response = client.get(reverse("workbench:index"))
    links = assert_links_open(client, response.content.decode())
    assert workbench_url(world.branch_a2) in links
    assert "切换组织" in page(client, world.branch_a2)


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, target, expected",
    [
        (None, "branch_a", "login"),
        ("secretary", "branch_a", 200),
        ("secretary", "branch_b", 404),
        ("secretary", "missing", 404),
        ("secretary_b", "branch_a", 404),
        ("secretary_b", "branch_b", 200),
        ("member", "branch_a", 403),
        ("dept_county", "branch_a", 403),
        ("town_secretary", "branch_a", 403),
        ("leader", "branch_a", 403),
        ("nobody", "branch_a", 404),
    ],
)
def test_workbench_permission_matrix(world, people, campaign, client, login, who, target, expected):
    code = getattr(world, target).code if target != "missing" else "NO-SUCH"
    url = reverse("workbench:org", args=[code])
    if who is not None:
        client = login(getattr(people, who))
    response = client.get(url)
    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected
    if expected == 200:
        assert getattr(world, target).name in response.content.decode()


@pytest.mark.parametrize(
    "who, expected",
    [(None, "login"), ("secretary", 302), ("member", 403), ("dept_county", 403), ("town_secretary", 403)],
)
def test_index_permission_matrix(people, campaign, client, login, who, expected):
    if who is not None:
        client = login(getattr(people, who))
    response = client.get(reverse("workbench:index"))
    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


def test_secretary_sees_nothing_of_the_other_branch(busy, people, login):
    """The other subtree's rows exist (busy made them): none of them leaks onto branch_a's page."""
    html = page(login(people.secretary), busy.branch_a)
    for foreign in ("滦州方案", "滦州承诺", "滦州整改", "滦县表彰", "滦州的消息", "王志强"):
        assert foreign not in html, foreign
    for url in main_links(html):
        assert busy.branch_b.code not in url


# --- query count ------------------------------------------------------------------------------


def _rows(world, people, campaign, period, seed_criteria, n, start):
    phase = campaign.phases.get(order=1)
    for i in range(start, start + n):
        Milestone.objects.create(
            campaign=campaign, phase=phase, code=f"extra-{i}", name=f"附加节点{i}", due_date=days(-1), levels=["basic"]
        )
        # one more for the basic organizations and the 省直 reporting bodies: the register is read once, not
        # once for each such milestone
        Milestone.objects.create(
            campaign=campaign,
            phase=phase,
            code=f"units-{i}",
            name=f"省直节点{i}",
            due_date=days(30),
            levels=["basic"],
            provincial_units=True,
        )
        member = MemberFactory(org=world.branch_a, name=f"党员甲{i}")
        make_report(campaign, member, status="submitted")
        make_commitment(campaign, member=member, status=Commitment.Status.PUBLISHED, content=f"承诺{i}")
        order(world.branch_a, people.dept_county, deadline=days(i % 5 - 2), problem=f"问题{i}")
        make_batch(world.branch_a, seed_criteria["five-models"], period=period, tokens=2)
        make_round(world.county_a, name=f"表彰{i}")
        Notification.objects.create(user=people.secretary, title=f"消息{i}")


def test_query_count_is_constant(world, people, campaign, period, seed_criteria, login):
    client = login(people.secretary)
    _rows(world, people, campaign, period, seed_criteria, 1, 0)
    page(client, world.branch_a)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as one:
        page(client, world.branch_a)
    _rows(world, people, campaign, period, seed_criteria, 29, 1)
    with CaptureQueriesContext(connection) as thirty:
        html = page(client, world.branch_a)
    assert "附加节点29" in html and "逾期 30 项" in html
    assert "消息29" in html and "待审阅 30 份" in html
    assert len(thirty) == len(one), [q["sql"] for q in thirty]
    # session, user, roles, the organization, the page's panels with rows in each (the village's 一定三有
    # included) and the inbox badge; before, the reporting-body register was read once per 省直 milestone and
    # the reports awaiting review were counted apart from the coverage figures (29 here, and growing)
    assert len(one) <= 27, [q["sql"] for q in one]


def test_no_inline_style_or_script(busy, people, login):
    html = page(login(people.secretary), busy.branch_a)
    assert "style=" not in html and "<script>" not in html
