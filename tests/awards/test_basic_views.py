"""Pages of a basic organization's own commendation: the permission matrix, the workflow through the
pages, the public notice page, the honour on the member's record, citing it in a nomination, query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards.models import BasicAward, BasicCommendation, Nomination
from awards.services import basic as services
from campaign.models import MilestoneDone
from orgs.enums import Role
from tests.factories import MemberFactory, user_with_role
from tests.factories.awards_basic import add_award, announced_award, make_commendation, secretary_of

pytestmark = pytest.mark.django_db
Status = BasicCommendation.Status


class People:
    def __init__(self, world):
        self.secretary = secretary_of(world.branch_a)
        self.secretary_b = secretary_of(world.branch_b)
        self.county = user_with_role(world.county_a, Role.ORG_DEPARTMENT, full_name="正定县委组织部")
        self.city_b = user_with_role(world.city_b, Role.ORG_DEPARTMENT, full_name="唐山市委组织部")
        self.leading_group = user_with_role(world.city_a, Role.LEADING_GROUP, full_name="市领导小组")
        self.member = user_with_role(world.branch_a, Role.MEMBER, full_name="普通党员")


@pytest.fixture
def setup(world):
    people = People(world)
    draft = make_commendation(world.branch_a, by=people.secretary, title="塔元庄村2011年度表彰")
    add_award(draft, world.member_a, by=people.secretary)
    announced = announced_award(world.member_a, by=people.secretary, title="塔元庄村2010年度表彰", year=2010)
    other = announced_award(world.member_b, by=people.secretary_b, title="滦州村2011年度表彰")
    return world, people, draft, announced, other


# ----- the permission matrix -----

# (url name, which object) → expected status per user: anonymous → login; other subtree → 404; wrong role → 403.
MATRIX = [
    ("basic_list", None, {"secretary": 200, "county": 200, "leading_group": 200, "city_b": 200, "member": 403}),
    ("basic_create", None, {"secretary": 200, "county": 403, "leading_group": 403, "city_b": 403, "member": 403}),
    (
        "basic_detail",
        "draft",
        {"secretary": 200, "county": 200, "leading_group": 200, "city_b": 404, "secretary_b": 404, "member": 403},
    ),
    ("basic_edit", "draft", {"secretary": 200, "county": 403, "leading_group": 403, "city_b": 404, "member": 403}),
    (
        "basic_award_add",
        "draft",
        {"secretary": 200, "county": 403, "leading_group": 403, "city_b": 404, "secretary_b": 404},
    ),
    ("basic_annul", "announced", {"secretary": 403, "county": 200, "leading_group": 403, "city_b": 404}),
    ("basic_award_annul", "award", {"secretary": 403, "county": 200, "leading_group": 403, "city_b": 404}),
]


def url_for(name, which, draft, announced):
    if which is None:
        return reverse(f"awards:{name}")
    obj = {"draft": draft, "announced": announced.commendation, "award": announced}[which]
    return reverse(f"awards:{name}", args=[obj.pk])


@pytest.mark.parametrize(("name", "which", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_permission_matrix(setup, client, login, name, which, expected):
    world, people, draft, announced, other = setup
    url = url_for(name, which, draft, announced)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for who, status in expected.items():
        response = login(getattr(people, who)).get(url)
        assert response.status_code == status, (who, response.status_code)


@pytest.mark.parametrize("name", ["basic_publicity", "basic_announce"])
def test_post_actions_matrix(setup, client, login, name):
    world, people, draft, announced, other = setup
    url = reverse(f"awards:{name}", args=[draft.pk])
    assert client.post(url).status_code == 302 and client.post(url)["Location"].startswith(reverse("login"))
    assert login(people.city_b).post(url).status_code == 404
    assert login(people.county).post(url).status_code == 403
    assert login(people.secretary).get(url).status_code == 405
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_remove_award_matrix(setup, login):
    world, people, draft, announced, other = setup
    award = draft.awards.get()
    url = reverse("awards:basic_award_remove", args=[award.pk])
    assert login(people.city_b).post(url).status_code == 404
    assert login(people.county).post(url).status_code == 403
    assert login(people.secretary).post(url).status_code == 302
    assert not BasicAward.objects.filter(pk=award.pk).exists()
    # An announced award cannot be removed: the message says why and the row stays.
    response = login(people.secretary).post(reverse("awards:basic_award_remove", args=[announced.pk]), follow=True)
    assert "不能再修改" in response.content.decode()
    assert BasicAward.objects.filter(pk=announced.pk).exists()


def test_remove_award_and_edit_say_what_they_did(setup, login):
    world, people, draft, announced, other = setup
    client = login(people.secretary)
    detail = reverse("awards:basic_detail", args=[draft.pk])
    award = draft.awards.get()
    response = client.post(reverse("awards:basic_award_remove", args=[award.pk]), follow=True)
    assert response.redirect_chain == [(detail, 302)]
    assert [str(m) for m in response.context["messages"]] == [f"已将{award.member_name}移出名单"]
    data = {
        "title": "改过的名称",
        "year": 2011,
        "date": "2011-06-20",
        "method": "支委会研究决定",
        "publicity": "on",
        "publicity_working_days": 7,
    }
    response = client.post(reverse("awards:basic_edit", args=[draft.pk]), data, follow=True)
    assert response.redirect_chain == [(detail, 302)]
    assert [str(m) for m in response.context["messages"]] == ["已保存"]
    draft.refresh_from_db()
    assert draft.method == "支委会研究决定"


def test_list_shows_the_right_rows(setup, login):
    world, people, draft, announced, other = setup
    page = login(people.secretary).get(reverse("awards:basic_list")).content.decode()
    assert "塔元庄村2011年度表彰" in page and "塔元庄村2010年度表彰" in page and "滦州村2011年度表彰" not in page
    assert "开展本组织表彰" in page
    page = login(people.city_b).get(reverse("awards:basic_list")).content.decode()
    assert "滦州村2011年度表彰" in page and "塔元庄村" not in page and "开展本组织表彰" not in page
    page = login(people.county).get(reverse("awards:basic_list"), {"status": "draft"}).content.decode()
    assert "塔元庄村2011年度表彰" in page and "塔元庄村2010年度表彰" not in page


def test_detail_shows_the_awardees_and_the_actions(setup, login):
    world, people, draft, announced, other = setup
    page = login(people.secretary).get(reverse("awards:basic_detail", args=[draft.pk])).content.decode()
    assert "张建国" in page and "党员大会评选" in page and "公布表彰结果" in page and "添加表彰对象" in page
    assert world.member_a.id_number not in page
    page = login(people.county).get(reverse("awards:basic_detail", args=[draft.pk])).content.decode()
    assert "张建国" in page and "公布表彰结果" not in page and "添加表彰对象" not in page
    page = login(people.county).get(reverse("awards:basic_detail", args=[announced.commendation_id])).content.decode()
    assert "撤销本次表彰" in page and "撤销称号" in page


# ----- the workflow through the pages -----


def test_create_add_announce_through_the_pages(world, login, campaign):
    people = People(world)
    client = login(people.secretary)
    response = client.get(reverse("awards:basic_create"))
    page = response.content.decode()
    assert "塔元庄村党支部" in page and "党员大会评选" in page
    today = timezone.localdate()
    data = {
        "org": world.branch_a.pk,
        "title": "2011年度优秀共产党员表彰",
        "year": today.year,
        "date": today.isoformat(),
        "method": "党员大会评选",
        "publicity_working_days": 5,
        "publicity_contact": "",
    }
    response = client.post(reverse("awards:basic_create"), {**data, "org": world.branch_b.pk})
    assert "只能为您担任书记的基层党组织开展表彰" in response.content.decode()
    response = client.post(reverse("awards:basic_create"), data)
    assert response.status_code == 302
    c = BasicCommendation.objects.get(title="2011年度优秀共产党员表彰")
    assert c.org == world.branch_a and c.created_by == people.secretary and not c.publicity
    add_url = reverse("awards:basic_award_add", args=[c.pk])
    page = client.get(add_url).content.decode()
    assert "张建国" in page and "李秀英" not in page and "王志强" not in page
    # A member of another organization: refused with a Chinese message at the field.
    response = client.post(add_url, {"member": world.member_a2.pk, "honour": "优秀共产党员", "citation": ""})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["member"] == ["只能表彰本组织的党员，请从本组织党员名单中选择"]
    assert "只能表彰本组织的党员" in response.content.decode()
    response = client.post(add_url, {"member": world.member_a.pk, "honour": "优秀共产党员", "citation": "带头修路"})
    assert response.status_code == 302
    response = client.post(add_url, {"member": world.member_a.pk, "honour": "优秀共产党员", "citation": ""})
    assert response.context["form"].errors["member"] == ["张建国已在本次表彰名单中"]
    response = client.post(reverse("awards:basic_announce", args=[c.pk]), follow=True)
    assert "已公布“2011年度优秀共产党员表彰”" in response.content.decode()
    c.refresh_from_db()
    assert c.status == Status.ANNOUNCED
    assert MilestoneDone.objects.filter(
        milestone__campaign=campaign, milestone__code="basic_commendation", org=world.branch_a
    ).exists()
    # The edit page of an announced round sends back with a message.
    response = client.get(reverse("awards:basic_edit", args=[c.pk]), follow=True)
    assert "不能再修改" in response.content.decode()


def test_edit_a_draft(setup, login):
    world, people, draft, announced, other = setup
    client = login(people.secretary)
    url = reverse("awards:basic_edit", args=[draft.pk])
    data = {
        "title": "改过的名称",
        "year": 2011,
        "date": "2011-06-20",
        "method": "支委会研究决定",
        "publicity": "on",
        "publicity_working_days": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "publicity_working_days" in response.context["form"].errors
    response = client.post(url, {**data, "publicity_working_days": 7})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.method, draft.publicity, draft.publicity_working_days) == (
        "改过的名称",
        "支委会研究决定",
        True,
        7,
    )


def test_publicity_page_and_announcement_after_it(world, client, login):
    people = People(world)
    world.member_a.refresh_from_db()
    c = make_commendation(world.branch_a, publicity=True, publicity_contact="村党支部书记 0311-12345678")
    add_award(c, world.member_a)
    public_url = reverse("awards:public_basic", args=[c.pk])
    assert client.get(public_url).status_code == 404  # not opened yet
    secretary = login(people.secretary)
    response = secretary.post(reverse("awards:basic_publicity", args=[c.pk]), follow=True)
    c.refresh_from_db()
    assert c.status == Status.PUBLICITY and c.publicity_starts == timezone.localdate()
    end = services.publicity_end(c)
    assert f"公示已开始，至{end.isoformat()}结束" in response.content.decode()
    # Announcing before the notice period ends is refused, with the date.
    response = secretary.post(reverse("awards:basic_announce", args=[c.pk]), follow=True)
    assert f"公示期至{end.isoformat()}结束，公示期满后才能公布表彰结果" in response.content.decode()
    c.refresh_from_db()
    assert c.status == Status.PUBLICITY
    # The public page needs no login and shows the name and post, nothing personal.
    client.logout()
    response = client.get(public_url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "张建国" in page and "村民小组长" in page and "优秀共产党员" in page and "0311-12345678" in page
    member = world.member_a
    for secret in (member.id_number, member.masked_id_number, member.mobile, "1980-05-17", "1980年5月17日"):
        assert secret not in page
    assert "退出" not in page and reverse("orgs:member_detail", args=[member.pk]) not in page
    # After the period: the names leave the page and the announcement is possible.
    BasicCommendation.objects.filter(pk=c.pk).update(publicity_starts=timezone.localdate() - datetime.timedelta(30))
    page = client.get(public_url).content.decode()
    assert "公示已于" in page and "张建国" not in page
    response = login(people.secretary).post(reverse("awards:basic_announce", args=[c.pk]))
    c.refresh_from_db()
    assert c.status == Status.ANNOUNCED


def test_public_page_only_when_chosen(setup, client):
    world, people, draft, announced, other = setup
    # Announced without a 公示: there is no public page.
    assert client.get(reverse("awards:public_basic", args=[announced.commendation_id])).status_code == 404
    assert client.get(reverse("awards:public_basic", args=[draft.pk])).status_code == 404
    assert client.get(reverse("awards:public_basic", args=[99999])).status_code == 404


def test_annul_through_the_page(setup, login):
    world, people, draft, announced, other = setup
    client = login(people.county)
    url = reverse("awards:basic_annul", args=[announced.commendation_id])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"] == ["请填写撤销原因"]
    assert BasicCommendation.objects.get(pk=announced.commendation_id).status == Status.ANNOUNCED
    response = client.post(url, {"reason": "评选程序不规范"}, follow=True)
    page = response.content.decode()
    assert "评选程序不规范" in page and "已撤销" in page
    c = BasicCommendation.objects.get(pk=announced.commendation_id)
    assert c.status == Status.ANNULLED and c.annulled_by == people.county
    detail = client.get(reverse("orgs:member_detail", args=[world.member_a.pk])).content.decode()
    assert "塔元庄村2010年度表彰" not in detail


def test_annul_one_award_through_the_page(setup, login):
    world, people, draft, announced, other = setup
    client = login(people.county)
    url = reverse("awards:basic_award_annul", args=[announced.pk])
    response = client.post(url, {"reason": ""})
    assert response.context["form"].errors["reason"] == ["请填写撤销原因"]
    client.post(url, {"reason": "受到党内警告处分"})
    announced.refresh_from_db()
    assert announced.is_annulled and announced.annulled_reason == "受到党内警告处分"


# ----- the member's record -----


def test_honour_shows_on_the_member_detail(setup, login):
    world, people, draft, announced, other = setup
    for user in (people.county, people.secretary, people.leading_group):
        page = login(user).get(reverse("orgs:member_detail", args=[world.member_a.pk])).content.decode()
        assert "表彰奖励" in page and "塔元庄村2010年度表彰" in page and "优秀共产党员" in page
        assert "塔元庄村2011年度表彰" not in page  # the draft is not on the record
    page = login(people.city_b).get(reverse("orgs:member_detail", args=[world.member_b.pk])).content.decode()
    assert "滦州村2011年度表彰" in page
    page = login(people.county).get(reverse("orgs:member_detail", args=[world.member_a2.pk])).content.decode()
    assert "暂无表彰奖励记录" in page


def count_award_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), sum('"awards_basicaward"' in q["sql"] for q in ctx.captured_queries)


def test_member_honours_is_one_query(world, login):
    people = People(world)
    announced_award(world.member_a, by=people.secretary)
    client = login(people.county)
    url = reverse("orgs:member_detail", args=[world.member_a.pk])
    one = count_award_queries(client, url)
    for year in range(2001, 2006):
        announced_award(world.member_a, by=people.secretary, title=f"{year}年度表彰", year=year)
    many = count_award_queries(client, url)
    assert one == many and one[1] == 1


# ----- citing a basic honour in a higher nomination -----


def test_nomination_cites_the_nominees_honour(setup, login):
    from tests.factories.awards_nominations import category, make_round

    world, people, draft, announced, other = setup
    r = make_round(world.province)
    c = category(r)
    client = login(people.secretary)
    url = reverse("awards:nomination_create", args=[r.code])
    page = client.get(url, {"category": c.pk, "org": world.branch_a.code}).content.decode()
    assert "引用基层表彰" in page and "塔元庄村2010年度表彰" in page and "滦州村2011年度表彰" not in page
    data = {"category": c.pk, "org": world.branch_a.code, "nominee": world.member_a.pk, "deeds": "带头修路"}
    response = client.post(url, {**data, "cited_honours": [other.pk]})
    assert response.status_code == 200
    assert response.context["form"].errors["cited_honours"] == ["只能引用被推荐党员本人已公布的基层表彰"]
    response = client.post(url, {**data, "cited_honours": [announced.pk]})
    assert response.status_code == 302
    n = Nomination.objects.get()
    assert list(n.cited_honours.all()) == [announced]
    page = login(people.county).get(reverse("awards:nomination_detail", args=[n.pk])).content.decode()
    assert "引用的基层表彰" in page and "塔元庄村2010年度表彰" in page


def test_nomination_form_refuses_another_members_honour_of_the_same_org(setup, login):
    from tests.factories.awards_nominations import category, make_round

    world, people, draft, announced, other = setup
    colleague = MemberFactory(org=world.branch_a, name="赵红梅")
    theirs = announced_award(colleague, by=people.secretary, title="赵红梅的表彰")
    r = make_round(world.province)
    client = login(people.secretary)
    data = {"category": category(r).pk, "org": world.branch_a.code, "nominee": world.member_a.pk, "deeds": "事迹"}
    response = client.post(reverse("awards:nomination_create", args=[r.code]), {**data, "cited_honours": [theirs.pk]})
    assert response.context["form"].errors["cited_honours"] == ["只能引用被推荐党员本人已公布的基层表彰"]
    assert not Nomination.objects.exists()


# ----- query counts -----


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_is_flat(world, login):
    people = People(world)
    make_commendation(world.branch_a, by=people.secretary)
    client = login(people.county)
    url = reverse("awards:basic_list")
    one = count_queries(client, url)
    for _ in range(29):
        c = make_commendation(world.branch_a, by=people.secretary)
        add_award(c, world.member_a, by=people.secretary)
    thirty = count_queries(client, url)
    assert one == thirty
    page = client.get(url).content.decode()
    assert page.count(reverse("awards:basic_detail", args=[c.pk])) == 1


def test_detail_query_count_is_flat(world, login):
    people = People(world)
    c = make_commendation(world.branch_a, by=people.secretary)
    add_award(c, world.member_a, by=people.secretary)
    client = login(people.secretary)
    url = reverse("awards:basic_detail", args=[c.pk])
    one = count_queries(client, url)
    for i in range(29):
        add_award(c, MemberFactory(org=world.branch_a, name=f"党员甲{i}"), by=people.secretary)
    thirty = count_queries(client, url)
    assert one == thirty
    assert "党员甲28" in client.get(url).content.decode()
