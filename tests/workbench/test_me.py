"""我的创先争优: the member's own values (masked ID and mobile), his report, self-assessment, released results,
badges, households, commitments and commendations; nobody else's; links that open; a constant query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Commitment
from evaluations.enums import Source
from evaluations.models import Period
from orgs.enums import MemberCategory, Role
from tests.factories import MemberFactory, UserFactory, user_with_role
from tests.factories.awards_basic import announced_award
from tests.factories.campaign_masses import make_household, make_service
from tests.factories.campaign_plans import make_commitment
from tests.factories.evaluations_scoring import make_assessment

from .conftest import approved_nomination, assert_links_open, badge, days, main_links, publish, rate, release

pytestmark = pytest.mark.django_db


def me(client):
    response = client.get(reverse("workbench:me"))
    assert response.status_code == 200
    return response.content.decode()


def test_profile_is_masked(world, people, campaign, login):
    html = me(login(people.member))
    member = world.member_a
    assert "张建国" in html and "塔元庄村党支部" in html
    assert member.masked_id_number in html and member.id_number not in html
    assert "139****0001" in html and "13911110001" not in html
    assert "在职" in html and "2005-07-01" in html and "村民小组长" in html


def test_report_state_note_and_link(rich, people, campaign, login):
    html = me(login(people.member))
    assert "已退回" in html and "请结合岗位实际查找差距" in html and "修改后重新提交" in html
    assert f"{reverse('evaluations:report_mine')}?campaign={campaign.code}" in html
    assert "在职党员应撰写党性分析报告" in html
    assert "滦州报告" not in html


def test_report_not_required_of_a_farmer(world, campaign, login):
    farmer = MemberFactory(org=world.branch_a, name="刘庄稼", category=MemberCategory.FARMER)
    user = user_with_role(world.branch_a, Role.MEMBER, member=farmer)
    html = me(login(user))
    assert "您不是在职党员，可以自愿撰写党性分析报告" in html and "撰写报告" in html


def test_self_assessment_state(rich, people, period, login):
    html = me(login(people.member))
    assert "“五个模范”自评" in html and period.name in html and "继续填写并提交" in html
    assert reverse("evaluations:my_assessment") in html


def test_self_assessment_without_open_period(world, people, campaign, login):
    Period.objects.create(name="下一年度考核评议", code="me-next", start_date=days(15), end_date=days(300))
    html = me(login(people.member))
    assert "现在没有正在进行的考核期间" in html
    assert f"下一个考核期间：下一年度考核评议 于 {days(15):%Y-%m-%d} 开始" in html


def test_results_only_once_released(rich, people, period, seed_criteria, login):
    client = login(people.member)
    make_assessment(period, member=rich.member_a, source=Source.SUPERIOR, author=people.secretary)
    rate(rich.member_a, period, reason="带领群众发展大棚蔬菜成效显著")
    html = me(client)
    assert "带领群众发展大棚蔬菜成效显著" not in html and "党组织发布评议结果后" in html
    publish(rich.branch_a, period)
    html = me(client)
    assert "评定等次：" in html and "优秀" in html and "带领群众发展大棚蔬菜成效显著" in html
    assert "党组织考核得分：100.00" in html


def test_mass_results_when_released(world, people, campaign, period, seed_criteria, login):
    release(world, people, period, seed_criteria)
    html = me(login(people.member))
    assert "群众评议：网上 3 份，纸质 0 张" in html


def test_badges_current_only(rich, people, login):
    html = me(login(people.member))
    assert "党员示范户" in html and "塔元庄村东街8号" in html
    assert "旧岗位" not in html  # ended


def test_households_commitments_honours(rich, people, login):
    html = me(login(people.member))
    assert "王大娘" in html and f"最近一次服务 {days(-3):%Y-%m-%d}" in html
    assert "李大爷" not in html and "滦州户" not in html
    assert "带头发展大棚蔬菜" in html and "滦州党员承诺" not in html and "支部的承诺" not in html
    assert "2011年度塔元庄优秀共产党员表彰" in html and "滦州先进个人" not in html
    assert "正定县七一表彰" in html and "优秀共产党员" in html


def test_every_link_opens_for_the_member(rich, people, period, seed_criteria, login):
    release(rich, people, period, seed_criteria)
    client = login(people.member)
    links = assert_links_open(client, me(client))
    household = rich.member_a.household_links.get().household
    commitment = Commitment.objects.get(member=rich.member_a)
    assert reverse("masswork:household_detail", args=[household.pk]) in links
    assert reverse("campaign:commitment_detail", args=[commitment.pk]) in links
    assert reverse("campaign:commitment_create") in links


def test_the_pages_linked_by_id_refuse_another_members_rows(rich, people, login):
    """Every id-taking page /me/ links to answers 404 for the other member's row."""
    client = login(people.member)
    other_household = rich.member_b.household_links.get().household
    other_commitment = Commitment.objects.get(member=rich.member_b)
    assert client.get(reverse("masswork:household_detail", args=[other_household.pk])).status_code == 404
    assert client.get(reverse("campaign:commitment_detail", args=[other_commitment.pk])).status_code == 404
    for url in main_links(me(client)):
        assert str(other_household.pk) not in url.split("/") and str(other_commitment.pk) not in url.split("/")


def test_record_without_member_role_lists_without_links(world, campaign, login):
    """A member record and no role: the values show, but not links to pages that need the member role."""
    user = UserFactory(member=world.member_a)
    household = make_household(world.branch_a, user_with_role(world.branch_a, Role.SECRETARY), members=[world.member_a])
    client = login(user)
    html = me(client)
    assert household.head_name in html
    assert reverse("masswork:household_detail", args=[household.pk]) not in html
    assert_links_open(client, html)


def test_no_member_record_gets_a_clear_page(people, campaign, login):
    response = login(people.secretary).get(reverse("workbench:me"))
    assert response.status_code == 403
    assert "您的账号还没有关联党员档案" in response.content.decode()


@pytest.mark.parametrize(
    "who, expected", [(None, "login"), ("member", 200), ("member_b", 200), ("secretary", 403), ("nobody", 403)]
)
def test_me_permission_matrix(world, people, campaign, client, login, who, expected):
    if who is not None:
        client = login(getattr(people, who))
    response = client.get(reverse("workbench:me"))
    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        return
    assert response.status_code == expected
    if who == "member":
        assert "张建国" in response.content.decode() and "王志强" not in response.content.decode()
    if who == "member_b":
        assert "王志强" in response.content.decode() and "张建国" not in response.content.decode()


def _rows(world, people, campaign, period, n, start):
    for i in range(start, start + n):
        household = make_household(world.branch_a, people.secretary, head_name=f"户主{i}", members=[world.member_a])
        make_service(household, people.secretary, days_ago=i % 7 + 1)
        make_commitment(campaign, member=world.member_a, status=Commitment.Status.PUBLISHED, content=f"承诺{i}")
        announced_award(world.member_a, honour=f"荣誉{i}")
        approved_nomination(world.member_a, world.county_a)
        badge(world.member_a, people.secretary, place=f"地点{i}")


def test_query_count_is_constant(world, people, campaign, period, seed_criteria, login):
    client = login(people.member)
    release(world, people, period, seed_criteria)
    _rows(world, people, campaign, period, 1, 0)
    me(client)  # warm caches
    with CaptureQueriesContext(connection) as one:
        me(client)
    _rows(world, people, campaign, period, 29, 1)
    with CaptureQueriesContext(connection) as thirty:
        html = me(client)
    assert "户主29" in html and "荣誉29" in html and "地点29" in html
    assert len(thirty) == len(one), [q["sql"] for q in thirty]
